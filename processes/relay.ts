import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type LogFormat, prettyLines } from './log';

/**
 * `npm start` relays its children's output: each child writes JSON records to its pipe, and this
 * prints them once in the terminal's format (pretty or JSON). A line that is not a record (a
 * stray console.log, a crash trace) becomes one, under the child's name, so every line looks alike.
 */
export function relayChildOutput(
  name: string,
  output: Readable,
  level: 'info' | 'error',
  format: LogFormat,
  out: NodeJS.WritableStream = process.stdout,
): void {
  const pretty = format === 'pretty' ? prettyLines() : undefined;
  createInterface({ input: output, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    if (line.trim() === '') return;
    const record = recordOf(line) ?? {
      level: level === 'info' ? 30 : 50,
      time: new Date().toISOString(),
      process: name,
      msg: line,
    };
    out.write(pretty ? pretty(record) : `${JSON.stringify(record)}\n`);
  });
}

function recordOf(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed && typeof parsed === 'object' && 'level' in parsed
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
