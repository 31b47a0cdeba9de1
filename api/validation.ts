import type { z } from 'zod';
import { type FieldIssue, InvalidRequest } from './errors';

type Location = FieldIssue['location'];

const escapePointer = (segment: PropertyKey): string =>
  String(segment).replaceAll('~', '~0').replaceAll('/', '~1');

const pointerOf = (path: readonly PropertyKey[]): string => path.map((s) => `/${escapePointer(s)}`).join('');

/** Zod issues → field-level problem details (unknown keys become one issue per key). */
export function fieldIssues(error: z.ZodError, location: Location): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const at = (path: readonly PropertyKey[]) =>
      location === 'body' ? pointerOf(path) : path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({
          location,
          pointer: at([...issue.path, key]),
          message: `unknown field "${key}"`,
          code: 'unknown_field',
        });
      }
    } else {
      issues.push({ location, pointer: at(issue.path), message: issue.message, code: issue.code });
    }
  }
  return issues;
}

/**
 * Parses one part of a request or throws InvalidRequest (400) with every field that is wrong.
 * A single named value (a header) is reported under its `name`, and missing when absent.
 */
export function parseRequestPart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: Location,
  name?: string,
): z.infer<S> {
  if (name && value === undefined)
    throw new InvalidRequest(`the ${name} ${location} is required`, [
      { location, pointer: name, message: `the ${name} ${location} is required`, code: 'missing' },
    ]);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error, location);
  if (!name) throw new InvalidRequest(`the request ${location} is invalid`, issues);
  throw new InvalidRequest(
    `the ${name} ${location} is invalid`,
    issues.map((issue) => ({ ...issue, pointer: name })),
  );
}
