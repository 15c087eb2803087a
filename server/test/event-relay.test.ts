import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkImportUpdate } from '../../shared/schemas/index.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../testing/server-data.js';
import { EVENT_CONNECTION_NAME, PostgresEventBus } from '../src/events/event-bus.js';

// The relay of live events between server processes on one PostgreSQL: what one process
// publishes reaches the listeners of the others (each once, only the owner's), and a process
// whose listening connection is cut connects again and hears the next events.

function event(status: BulkImportUpdate['status'] = 'running'): BulkImportUpdate {
  return {
    type: 'bulk_import.update',
    job_id: randomUUID(),
    status,
    totals: { queued: 0, processing: 1, completed: 0, duplicates: 0, failed: 0, similar: 0 },
    files: [],
  };
}

async function until(what: string, ok: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(databaseKinds().includes('postgres'))('live events across processes', () => {
  let database: TestDatabase;
  let one: PostgresEventBus;
  let two: PostgresEventBus;
  const logOne: string[] = [];
  const logTwo: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'relay');
    one = await PostgresEventBus.open(database.databaseUrl!, (line) => logOne.push(line));
    two = await PostgresEventBus.open(database.databaseUrl!, (line) => logTwo.push(line));
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await database?.drop();
  });

  it('delivers what one publishes to the owner listeners of both, once each', async () => {
    const atOne: BulkImportUpdate[] = [];
    const atTwo: BulkImportUpdate[] = [];
    const otherOwner: BulkImportUpdate[] = [];
    const offOne = one.subscribe('ana', (e) => atOne.push(e));
    const offTwo = two.subscribe('ana', (e) => atTwo.push(e));
    const offOther = two.subscribe('ben', (e) => otherOwner.push(e));
    const sent = [event('queued'), event('running'), event('completed')];
    for (const e of sent) one.publish('ana', e);
    await until('three events at two', () => atTwo.length === 3);
    await new Promise((r) => setTimeout(r, 200)); // time for a stray second copy to arrive
    expect(atOne).toEqual(sent); // at once, and not again from the database
    expect(atTwo).toEqual(sent); // in the order they were published
    expect(otherOwner).toEqual([]);
    offOne();
    offTwo();
    offOther();
  });

  it('listens again after its connection is cut', async () => {
    const heard: BulkImportUpdate[] = [];
    const off = two.subscribe('ana', (e) => heard.push(e));
    const admin = new pg.Client({ connectionString: database.databaseUrl! });
    await admin.connect();
    try {
      const cut = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = $1`,
        [EVENT_CONNECTION_NAME],
      );
      expect(cut.rowCount).toBe(2);
    } finally {
      await admin.end();
    }
    const back = (log: string[]) => log.some((l) => l.includes('connected to the database again'));
    await until('both to connect again', () => back(logOne) && back(logTwo));
    expect(logTwo[0]).toMatch(/lost the database connection/);
    const next = event('completed');
    one.publish('ana', next);
    await until('the next event relayed', () => heard.length > 0);
    expect(heard).toEqual([next]);
    off();
  });
});
