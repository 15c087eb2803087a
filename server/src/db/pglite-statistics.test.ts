import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { keepStatistics } from './pglite-statistics.js';

const reltuples = async (db: PGlite) =>
  (await db.query<{ n: number }>(`select reltuples::int as n from pg_class where relname = 't'`))
    .rows[0]!.n;

/** Waits until the ANALYZE queued behind the last statement has run. */
const settled = (db: PGlite) => db.query('select 1');

describe('keepStatistics (PGlite has no autovacuum)', () => {
  let db: PGlite;
  afterEach(() => db?.close());

  it('analyses once enough rows are written, in transactions or not', async () => {
    db = await PGlite.create();
    const errors: Error[] = [];
    keepStatistics(db, (e) => errors.push(e));
    await db.exec('create table t (a int)');
    await db.query('insert into t select generate_series(1, 100)');
    await settled(db);
    expect(await reltuples(db)).toBe(-1); // 100 rows: not yet, the planner knows nothing

    await db.transaction(async (tx) => {
      await tx.query('insert into t select generate_series(1, 300)');
      await tx.query('update t set a = a + 1 where a <= 200');
    });
    await settled(db);
    expect(await reltuples(db)).toBe(400); // 600 rows written: analysed

    await db.query('insert into t select generate_series(1, 499)');
    await settled(db);
    expect(await reltuples(db)).toBe(400); // under 500 more: left alone
    await db.query('insert into t select generate_series(1, 1)');
    await settled(db);
    expect(await reltuples(db)).toBe(900);
    expect(errors).toEqual([]);
  });
});
