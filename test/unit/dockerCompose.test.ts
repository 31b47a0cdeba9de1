import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs here, so the compose file is checked for what would break first.
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<
    string,
    { command?: string[]; build?: string; image?: string; environment?: Record<string, string> }
  >;
};
const dockerfile = readFileSync('Dockerfile', 'utf8');

describe('docker-compose.yml', () => {
  test('runs Postgres, the Temporal server, its UI, and every process of ours', () => {
    const services = Object.keys(compose.services);
    for (const name of [
      'postgres',
      'temporal',
      'temporal-ui',
      'api',
      'worker',
      'barista',
      'projector',
      'notifier',
    ]) {
      expect(services).toContain(name);
    }
  });

  test('every process of ours starts an entry point that exists and is copied into the image', () => {
    const ours = Object.entries(compose.services).filter(([, service]) => service.build);
    expect(ours.map(([name]) => name).sort()).toEqual(['api', 'barista', 'notifier', 'projector', 'worker']);
    for (const [name, service] of ours) {
      const entry = service.command?.at(-1);
      expect(entry, name).toMatch(/^bin\/\w+\.ts$/);
      expect(existsSync(entry!), `${name}: ${entry}`).toBe(true);
      expect(service.environment?.DATABASE_URL, name).toContain('@postgres:5432/');
      expect(service.environment?.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
    }
    for (const folder of ['domain', 'workflows', 'activities', 'eventstore', 'projections', 'api', 'bin']) {
      expect(dockerfile).toContain(`COPY ${folder} ./${folder}`);
    }
  });

  test('registers the search attributes the workflow upserts', () => {
    const setup = JSON.stringify(compose.services['temporal-search-attributes']);
    expect(setup).toContain('OrderStatus');
    expect(setup).toContain('CustomerName');
  });
});
