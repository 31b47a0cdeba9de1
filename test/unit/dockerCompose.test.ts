import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { SHOP_PROCESSES } from '../../processes/list';

// No Docker engine runs here, so the compose file is checked for what would break first.
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      command?: string[];
      build?: string;
      image?: string;
      environment?: Record<string, string>;
      deploy?: { replicas?: number };
      ports?: string[];
    }
  >;
};
const dockerfile = readFileSync('Dockerfile', 'utf8');

/** The repository's top folders reachable from these entry points through relative imports. */
function topFoldersImportedBy(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...entries];
  for (let file = pending.pop(); file; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, target] of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']*)'/g)) {
      const path = join(dirname(file), target!);
      const found = [path, `${path}.ts`, `${path}/index.ts`].find((p) => existsSync(p) && p.match(/\.m?ts$/));
      if (found) pending.push(found);
    }
  }
  return new Set([...seen].map((file) => file.split('/')[0]!));
}

describe('docker-compose.yml', () => {
  test('runs Postgres, the Temporal server, its UI, and every process of ours', () => {
    const services = Object.keys(compose.services);
    for (const name of [
      'postgres',
      'temporal',
      'temporal-ui',
      ...SHOP_PROCESSES.map((process) => process.name),
    ])
      expect(services).toContain(name);
  });

  test('every process of ours (processes/list.ts) starts its entry point, as many times as listed', () => {
    const ours = Object.entries(compose.services).filter(([, service]) => service.build);
    expect(ours.map(([name]) => name).sort()).toEqual(SHOP_PROCESSES.map((process) => process.name).sort());
    for (const { name, entry, replicas } of SHOP_PROCESSES) {
      const service = compose.services[name]!;
      expect(service.command?.at(-1), name).toBe(entry);
      expect(existsSync(entry), `${name}: ${entry}`).toBe(true);
      expect(service.deploy?.replicas ?? 1, name).toBe(replicas);
      expect(service.environment?.DATABASE_URL, name).toContain('@postgres:5432/');
      expect(service.environment?.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
    }
  });

  test('the image holds every folder the processes import', () => {
    const folders = topFoldersImportedBy(SHOP_PROCESSES.map((process) => process.entry));
    expect(folders).toContain('postgres');
    for (const folder of folders) expect(dockerfile).toContain(`COPY ${folder} ./${folder}`);
  });

  test('exposes only what users need: the API to all, the UIs to localhost, the Temporal frontend to nobody', () => {
    expect(compose.services.temporal?.ports).toBeUndefined();
    expect(compose.services['temporal-ui']?.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(compose.services.api?.environment?.HOST).toBe('0.0.0.0');
    const published = Object.entries(compose.services).filter(([, service]) => service.ports);
    expect(published.map(([name]) => name).sort()).toEqual([
      'api',
      'grafana',
      'jaeger',
      'prometheus',
      'temporal-ui',
    ]);
    // Traces, metrics and the dashboard have no sign-in: on this machine only.
    for (const [name, service] of published)
      if (name !== 'api') for (const port of service.ports!) expect(port, name).toMatch(/^127\.0\.0\.1:/);
  });

  test('production settings: simulator switches off everywhere, the token secret required', () => {
    for (const { name } of SHOP_PROCESSES)
      expect(compose.services[name]?.environment?.SHOP_SIMULATORS, name).toBe('false');
    expect(compose.services.api?.environment?.API_TOKEN_SECRET).toMatch(/^\$\{API_TOKEN_SECRET:\?/);
  });

  test('registers the search attributes the workflow upserts', () => {
    const setup = JSON.stringify(compose.services['temporal-search-attributes']);
    expect(setup).toContain('OrderStatus');
    expect(setup).toContain('OrderNumber');
    // Still registered for sagas started before names left search attributes (replayed, never written).
    expect(setup).toContain('CustomerName');
  });
});
