import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { keepStatistics } from './pglite-statistics.js';
import * as schema from './schema.js';

/** The database as repositories see it: the same type over PGlite, PostgreSQL or a transaction. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Plain SQL on the database, as pg-boss takes it for a database it does not connect to. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** On PGlite, the one connection there is; null on PostgreSQL (others may connect). */
  sql: SqlExecutor | null;
  close(): Promise<void>;
}

/** server/drizzle, found from src (tsx, Vitest) and from dist alike. */
function migrationsFolder(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const root = here.includes('/dist/') ? join(here, '../../../..') : join(here, '../../..');
  return join(root, 'server', 'drizzle');
}

/**
 * Planner costs for this server's connections. A same-sound lookup filters the library by the
 * fingerprint's index keys (`&&` on a GIN index) and by duration. At the defaults the planner
 * prices each `&&` like one addition and reads every page as costly, so on a few thousand
 * files it scanned the whole table: 2,000 files of similar sounds, 250 lookups, 2.6 ms each on
 * PGlite and 5.4 ms on PostgreSQL 15, against 0.35 and 0.2 ms through the index with these
 * (pages are in memory or on SSD; the operators run per row). Other queries look rows up by
 * key and are unchanged.
 */
const PLANNER_COSTS = { random_page_cost: 1.1, cpu_operator_cost: 0.01 };

/**
 * Opens the database and brings its schema up to date: PostgreSQL when `databaseUrl` is set,
 * else PGlite stored under `dataDir/db`.
 */
export async function openDatabase(options: {
  databaseUrl: string | null;
  dataDir: string;
}): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      // Set at connection, before any query.
      options: Object.entries(PLANNER_COSTS)
        .map(([name, value]) => `-c ${name}=${value}`)
        .join(' '),
    });
    // An idle connection the server closes (a restart, an administrator) errors on the pool;
    // unheard, that error would end the process. The pool drops the client and opens another.
    pool.on('error', (error) => {
      console.error(`database connection lost: ${error.message}`);
    });
    try {
      const db = drizzlePg(pool, { schema });
      await migratePg(db, { migrationsFolder: migrationsFolder() });
      return {
        db: db as unknown as Database,
        kind: 'postgres',
        sql: null,
        close: () => pool.end(),
      };
    } catch (error) {
      await pool.end();
      throw new Error(`cannot use the database at DATABASE_URL: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const dir = join(options.dataDir, 'db');
  await mkdir(dir, { recursive: true });
  const client = await PGlite.create(dir);
  for (const [name, value] of Object.entries(PLANNER_COSTS)) {
    await client.exec(`SET ${name} = ${value}`);
  }
  keepStatistics(client, (error) => console.error(`ANALYZE failed: ${error.message}`));
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder: migrationsFolder() });
  const sql: SqlExecutor = {
    async executeSql(text, values) {
      // Without parameters pg-boss may send several statements in one text.
      if (values && values.length > 0) return client.query(text, values);
      return (await client.exec(text)).at(-1) ?? { rows: [] };
    },
  };
  return { db: db as unknown as Database, kind: 'pglite', sql, close: () => client.close() };
}
