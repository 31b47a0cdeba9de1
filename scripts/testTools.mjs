// Outside tools only the test suites need: Toxiproxy's server (TCP faults between the
// system and Postgres/Temporal) and Schemathesis's `st` (fuzzes the API from its OpenAPI).
// Same order as the Temporal binaries: env var → cache folder → install from a registry.
// Plain Node with no dependencies: setup runs it, the test code imports it to find them.
import { execFile } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from './temporalBinaries.mjs';

const execFileAsync = promisify(execFile);

export const TOOLS = {
  toxiproxy: {
    label: 'toxiproxy-server',
    envVar: 'TOXIPROXY_PATH',
    version: '2.5.0',
    exe: 'toxiproxy-server',
    versionArgs: ['-version'],
    registry: 'go install',
  },
  schemathesis: {
    label: 'schemathesis st',
    envVar: 'SCHEMATHESIS_PATH',
    version: '4.32.5',
    exe: 'st',
    versionArgs: ['--version'],
    registry: 'PyPI',
  },
};
const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2';

function toolDir(kind) {
  return join(cacheDir(), `${kind}-${TOOLS[kind].version}`);
}

function cachedPath(kind) {
  const tool = TOOLS[kind];
  return kind === 'schemathesis' ? join(toolDir(kind), 'bin', tool.exe) : join(toolDir(kind), tool.exe);
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Where an already-installed tool is, or undefined. Never installs or runs anything. */
export function findTool(kind) {
  const tool = TOOLS[kind];
  const fromEnv = process.env[tool.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${tool.envVar}=${fromEnv} is not an executable file`);
    return { path: fromEnv, source: `env ${tool.envVar}` };
  }
  const path = cachedPath(kind);
  return isExecutable(path) ? { path, source: 'cache' } : undefined;
}

function toolPath(kind) {
  const found = findTool(kind);
  if (!found) {
    const tool = TOOLS[kind];
    throw new Error(
      `${tool.label} not found: run \`node scripts/setup.mjs --for-tests\` or set ${tool.envVar} to its path`,
    );
  }
  return found.path;
}

/** Path of the Toxiproxy server binary setup installed (or TOXIPROXY_PATH); throws when missing. */
export const toxiproxyBinary = () => toolPath('toxiproxy');
/** Path of Schemathesis's `st` CLI setup installed (or SCHEMATHESIS_PATH); throws when missing. */
export const schemathesisBinary = () => toolPath('schemathesis');

// --- verification -------------------------------------------------------------------
// `st --version` alone takes about a second (it imports the whole CLI), so a binary that
// answered once is remembered by a fingerprint of its file and, for a script, of its
// interpreter: a rebuilt binary, a reinstalled venv or a removed Python runs the check again.

const verifiedFile = () => join(cacheDir(), 'verified.json');

function readVerified() {
  try {
    return JSON.parse(readFileSync(verifiedFile(), 'utf8'));
  } catch {
    return {};
  }
}

function writeVerified(entries) {
  const tmp = `${verifiedFile()}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(entries, null, 2));
  renameSync(tmp, verifiedFile());
}

function interpreterOf(path) {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(256);
    const line = head.toString('utf8', 0, readSync(fd, head, 0, 256, 0)).split('\n')[0];
    return line.startsWith('#!') ? line.slice(2).trim().split(/\s+/)[0] : undefined;
  } finally {
    closeSync(fd);
  }
}

function fingerprint(path) {
  try {
    const files = [path];
    const interpreter = interpreterOf(path);
    if (interpreter) files.push(interpreter);
    return files
      .map((file) => {
        const s = statSync(file); // follows symlinks: a dangling interpreter throws
        return `${file}:${s.ino}:${s.size}:${s.mtimeMs}`;
      })
      .join('|');
  } catch {
    return undefined;
  }
}

/** Runs `<exe> --version` (or the tool's equivalent); resolves to its first line or rejects with why. */
async function probe(kind, path) {
  const tool = TOOLS[kind];
  try {
    const { stdout, stderr } = await execFileAsync(path, tool.versionArgs, { timeout: 30_000 });
    return (stdout.trim() || stderr.trim()).split('\n')[0];
  } catch (error) {
    throw new Error(`\`${path} ${tool.versionArgs.join(' ')}\` failed: ${lastLine(error)}`);
  }
}

function lastLine(error) {
  const output = String(error.stderr || '').trim() || String(error.stdout || '').trim();
  if (output) return output.split('\n').slice(-1)[0];
  if (error.code === 'ENOENT') return `${error.path} not found on PATH`;
  if (error.killed) return `timed out (${error.signal})`;
  if (typeof error.code === 'number') return `exit code ${error.code}`;
  return String(error.message).split('\n')[0];
}

/** The binary's version line, running it only when its fingerprint changed since it last answered. */
async function verify(kind, path) {
  const entries = readVerified();
  const print = fingerprint(path);
  const known = entries[path];
  if (print && known?.fingerprint === print) return { line: known.line, ran: false };
  const line = await probe(kind, path);
  if (print) {
    try {
      writeVerified({ ...readVerified(), [path]: { fingerprint: print, line } });
    } catch {
      // a read-only cache only costs the next run a second
    }
  }
  return { line, ran: true };
}

// --- installing ----------------------------------------------------------------------

async function installToxiproxy() {
  const tool = TOOLS.toxiproxy;
  const dir = toolDir('toxiproxy');
  const gopath = join(cacheDir(), 'go');
  // Releases stamp the version the same way (goreleaser ldflags); otherwise `-version` says "git".
  await execFileAsync(
    'go',
    [
      'install',
      '-modcacherw',
      `-ldflags=-s -w -X ${TOXIPROXY_MODULE}.Version=${tool.version}`,
      `${TOXIPROXY_MODULE}/cmd/server@v${tool.version}`,
    ],
    { env: { ...process.env, GOPATH: gopath, GOBIN: dir }, timeout: 600_000 },
  );
  renameSync(join(dir, 'server'), join(dir, tool.exe));
  return join(dir, tool.exe);
}

async function installSchemathesis() {
  const tool = TOOLS.schemathesis;
  const dir = toolDir('schemathesis');
  await execFileAsync('python3', ['-m', 'venv', dir], { timeout: 120_000 });
  await execFileAsync(
    join(dir, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${tool.version}`],
    { timeout: 600_000 },
  );
  return join(dir, 'bin', tool.exe);
}

const INSTALLERS = { toxiproxy: installToxiproxy, schemathesis: installSchemathesis };

/**
 * Finds the tool (env var, then cache), checks it runs, and installs it into the cache
 * when it is missing or the cached copy does not run. Throws a message that names what
 * is missing and the variable to set.
 */
export async function ensureTool(kind) {
  const tool = TOOLS[kind];
  const found = findTool(kind);
  if (found?.source.startsWith('env')) {
    try {
      const { line } = await verify(kind, found.path);
      return { ...found, version: line, installed: false };
    } catch (error) {
      throw new Error(`${error.message}; point ${tool.envVar} at a working ${tool.exe}`);
    }
  }
  let broken = '';
  if (found) {
    try {
      const { line } = await verify(kind, found.path);
      if (line.includes(tool.version)) return { ...found, version: line, installed: false };
      broken = `, replacing a cached copy that said "${line}"`;
    } catch (error) {
      broken = `, replacing a cached copy that did not run (${lastLine(error)})`;
    }
    rmSync(toolDir(kind), { recursive: true, force: true });
  }
  let path;
  try {
    path = await INSTALLERS[kind]();
  } catch (error) {
    const what =
      kind === 'toxiproxy' ? 'go install (needs Go on PATH)' : 'pip from PyPI (needs python3 ≥ 3.9)';
    throw new Error(
      `could not install ${tool.label} ${tool.version} with ${what}: ${lastLine(error)}; ` +
        `install it yourself and set ${tool.envVar} to its path`,
    );
  }
  const { line } = await verify(kind, path).catch((error) => {
    throw new Error(`${error.message}; install ${tool.label} yourself and set ${tool.envVar} to its path`);
  });
  return { path, source: `installed from ${tool.registry}${broken}`, version: line, installed: true };
}
