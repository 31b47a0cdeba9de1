import { execFileSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { findBinary } from '../../scripts/temporalBinaries.mjs';
import {
  ensureTool,
  findTool,
  schemathesisBinary,
  TOOLS,
  type ToolKind,
  toxiproxyBinary,
} from '../../scripts/testTools.mjs';

const ci = /^(1|true)$/i.test(process.env.CI ?? '');
const kinds: ToolKind[] = ['toxiproxy', 'schemathesis'];

test('setup resolved both Temporal binaries before the suite started', () => {
  for (const kind of ['cli', 'testServer'] as const) {
    const found = findBinary(kind);
    expect(found, `${kind} binary`).toBeDefined();
    expect(existsSync(found!.path)).toBe(true);
  }
});

// Outside CI setup only warns when it cannot get a tool; under CI=true it must have both.
test.runIf(ci || kinds.every((kind) => findTool(kind)))(
  'setup resolved toxiproxy-server and st: the helpers return paths that run',
  () => {
    const toxiproxy = toxiproxyBinary();
    const st = schemathesisBinary();
    for (const path of [toxiproxy, st]) accessSync(path, constants.X_OK);
    expect(execFileSync(toxiproxy, ['-version'], { encoding: 'utf8' })).toContain('toxiproxy-server version');
    expect(execFileSync(st, ['--version'], { encoding: 'utf8' })).toMatch(/^st, version \d/);
  },
);

describe('tool lookup (in a scratch cache folder)', () => {
  let scratch: string | undefined;

  afterEach(() => {
    vi.unstubAllEnvs();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  /** A scratch XDG_CACHE_HOME with no env overrides; returns the brew-saga cache folder. */
  function scratchCache() {
    scratch = mkdtempSync(join(tmpdir(), 'brew-saga-setup-test-'));
    vi.stubEnv('XDG_CACHE_HOME', scratch);
    for (const kind of kinds) vi.stubEnv(TOOLS[kind].envVar, '');
    return join(scratch, 'brew-saga');
  }

  /** A stand-in executable that prints `line` and counts its runs in `<path>.runs`. */
  function fakeBinary(path: string, line: string) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `#!/bin/sh\necho run >> '${path}.runs'\necho '${line}'\n`, { mode: 0o755 });
    return path;
  }
  const runs = (path: string) =>
    existsSync(`${path}.runs`) ? readFileSync(`${path}.runs`, 'utf8').trim().split('\n').length : 0;

  function fakeCachedTools(cache: string) {
    const { toxiproxy, schemathesis } = TOOLS;
    return {
      toxiproxy: fakeBinary(
        join(cache, `toxiproxy-${toxiproxy.version}`, 'toxiproxy-server'),
        `toxiproxy-server version ${toxiproxy.version}`,
      ),
      schemathesis: fakeBinary(
        join(cache, `schemathesis-${schemathesis.version}`, 'bin', 'st'),
        `st, version ${schemathesis.version}`,
      ),
    };
  }

  test('a cache hit is used without installing, and runs only until it answered once', async () => {
    const cached = fakeCachedTools(scratchCache());
    for (const kind of kinds) {
      expect(findTool(kind)).toEqual({ path: cached[kind], source: 'cache' });
      const first = await ensureTool(kind);
      expect(first).toMatchObject({ path: cached[kind], source: 'cache', installed: false });
      expect(first.version).toContain(TOOLS[kind].version);
      await ensureTool(kind);
      expect(runs(cached[kind]), `${kind} version check runs`).toBe(1);
    }
    expect(toxiproxyBinary()).toBe(cached.toxiproxy);
    expect(schemathesisBinary()).toBe(cached.schemathesis);
  });

  test('the env override wins over the cache', async () => {
    const cache = scratchCache();
    fakeCachedTools(cache);
    for (const kind of kinds) {
      const own = fakeBinary(join(scratch!, 'elsewhere', kind), `${kind} from elsewhere`);
      vi.stubEnv(TOOLS[kind].envVar, own);
      expect(findTool(kind)).toEqual({ path: own, source: `env ${TOOLS[kind].envVar}` });
      expect(await ensureTool(kind)).toMatchObject({ path: own, version: `${kind} from elsewhere` });
    }
    expect(toxiproxyBinary()).toBe(join(scratch!, 'elsewhere', 'toxiproxy'));
    expect(schemathesisBinary()).toBe(join(scratch!, 'elsewhere', 'schemathesis'));
  });

  test('a missing or broken tool is reported with the variable to set', async () => {
    scratchCache();
    expect(findTool('toxiproxy')).toBeUndefined();
    expect(() => toxiproxyBinary()).toThrow(/TOXIPROXY_PATH/);
    expect(() => schemathesisBinary()).toThrow(/SCHEMATHESIS_PATH/);

    vi.stubEnv('SCHEMATHESIS_PATH', join(scratch!, 'nowhere', 'st'));
    expect(() => findTool('schemathesis')).toThrow(/SCHEMATHESIS_PATH=.*nowhere/);

    const broken = join(scratch!, 'broken');
    writeFileSync(broken, '#!/bin/sh\necho boom >&2\nexit 3\n', { mode: 0o755 });
    vi.stubEnv('TOXIPROXY_PATH', broken);
    await expect(ensureTool('toxiproxy')).rejects.toThrow(/boom; point TOXIPROXY_PATH at a working/);
  });
});
