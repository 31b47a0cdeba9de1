import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEventStore, migrateEventStore } from '../../../eventstore';
import { runMigrations } from '../../../postgres';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { newEvent, uniqueStream } from './support';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('migrations', () => {
  test('several processes migrating at once apply each migration exactly once', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => migrateEventStore(db.pool)));
    expect(results.flat().map((migration) => migration.version)).toEqual([1]);
    expect(await migrateEventStore(db.pool)).toEqual([]);
    const { rows } = await db.pool.query(`SELECT scope, version, name FROM schema_migrations`);
    expect(rows).toEqual([{ scope: 'eventstore', version: 1, name: 'events' }]);
  });

  test('another scope keeps its own versions in the same table, and an edited applied migration is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eventstore-migrations-'));
    try {
      writeFileSync(join(dir, '001_counters.sql'), 'CREATE TABLE counters (name text PRIMARY KEY, n int);');
      writeFileSync(join(dir, '002_seed.sql'), `INSERT INTO counters VALUES ('orders', 0);`);
      writeFileSync(join(dir, 'README.md'), 'not a migration');
      const applied = await runMigrations(db.pool, { scope: 'counters', dir });
      expect(applied.map((migration) => `${migration.version}_${migration.name}`)).toEqual([
        '1_counters',
        '2_seed',
      ]);
      expect(await runMigrations(db.pool, { scope: 'counters', dir })).toEqual([]);

      writeFileSync(join(dir, '002_seed.sql'), `INSERT INTO counters VALUES ('drinks', 0);`);
      await expect(runMigrations(db.pool, { scope: 'counters', dir })).rejects.toThrow(
        /changed after it was applied/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a failing migration is rolled back whole and not recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eventstore-migrations-'));
    try {
      writeFileSync(
        join(dir, '001_broken.sql'),
        'CREATE TABLE half_done (id int); SELECT no_such_function();',
      );
      await expect(runMigrations(db.pool, { scope: 'broken', dir })).rejects.toThrow(/broken failed/);
      const { rows } = await db.pool.query(`SELECT to_regclass('half_done') AS table_name,
        (SELECT count(*)::int FROM schema_migrations WHERE scope = 'broken') AS recorded`);
      expect(rows[0]).toEqual({ table_name: null, recorded: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('immutability', () => {
  test('UPDATE, DELETE and TRUNCATE on events are refused by the database itself', async () => {
    await migrateEventStore(db.pool);
    const store = createEventStore(db.pool);
    await store.append(uniqueStream(), 'no_stream', [newEvent()]);
    await store.close();
    await expect(db.pool.query(`UPDATE events SET type = 'Rewritten'`)).rejects.toThrow(
      /append-only: UPDATE/,
    );
    await expect(db.pool.query('DELETE FROM events')).rejects.toThrow(/append-only: DELETE/);
    await expect(db.pool.query('TRUNCATE events')).rejects.toThrow(/append-only: TRUNCATE/);
    const { rows } = await db.pool.query('SELECT count(*)::int AS count FROM events');
    expect(rows[0].count).toBe(1);
  });
});
