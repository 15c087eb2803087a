import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type DatabaseKind = 'pglite' | 'postgres';

/** The PostgreSQL server tests may create databases on (`.ci/run` starts one and sets it). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? null;

/** The database kinds to run the shared suites on: PostgreSQL only where a server is given. */
export function databaseKinds(): DatabaseKind[] {
  if (!TEST_DATABASE_URL && process.env.CI) {
    throw new Error('CI must run the server suites on PostgreSQL too: set TEST_DATABASE_URL');
  }
  if (!TEST_DATABASE_URL) {
    console.warn('TEST_DATABASE_URL is not set: the server suites run on PGlite only');
  }
  return TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * Which database a server under test runs on: PGlite in its DATA_DIR, a new database on
 * TEST_DATABASE_URL's PostgreSQL server (`'postgres'`), or on another PostgreSQL server.
 */
export type DatabaseChoice = DatabaseKind | { adminUrl: string };

export interface TestDatabase {
  kind: DatabaseKind;
  /** The fresh database's URL on PostgreSQL; null on PGlite (the server makes it in DATA_DIR). */
  databaseUrl: string | null;
  /** What it is, for reports: "PGlite", "PostgreSQL 16.4 at HOST, database NAME (…)". */
  description: string;
  /** Drops the database (PostgreSQL; nothing on PGlite). */
  drop: () => Promise<void>;
}

/**
 * A fresh database: nothing to do on PGlite; on PostgreSQL a new database `sm_LABEL_…` on the
 * admin URL's server (TEST_DATABASE_URL for `'postgres'`), dropped by `drop()`.
 */
export async function createTestDatabase(
  choice: DatabaseChoice,
  label = 'test',
): Promise<TestDatabase> {
  if (choice === 'pglite') {
    return { kind: 'pglite', databaseUrl: null, description: 'PGlite', drop: async () => {} };
  }
  const adminUrl = choice === 'postgres' ? TEST_DATABASE_URL : choice.adminUrl;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `sm_${label}_${randomBytes(6).toString('hex')}`;
  const url = new URL(adminUrl);
  const admin = new pg.Client({ connectionString: adminUrl });
  let version: string;
  try {
    await admin.connect();
    await admin.query(`create database ${name}`);
    const rows = await admin.query<{ server_version: string }>('show server_version');
    version = `PostgreSQL ${rows.rows[0]?.server_version ?? '?'}`;
  } catch (error) {
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
    throw new Error(`cannot create a database on ${url.host}: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await admin.end().catch(() => {});
  }
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    databaseUrl: url.toString(),
    description: `${version} at ${url.host}, database ${name} (dropped afterwards)`,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      try {
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end().catch(() => {});
      }
    },
  };
}

/** What a server under test stores its data in: a data folder and a database. */
export interface ServerData {
  kind: DatabaseKind;
  /** DATA_DIR: PGlite (on PGlite), stored objects, unfinished uploads. */
  dataDir: string;
  /** DATABASE_URL on PostgreSQL; null on PGlite. */
  databaseUrl: string | null;
  /** What it is, for reports ("PGlite in /tmp/…", "PostgreSQL 16.4 at …"). */
  description: string;
  /** The server settings that point at it: DATA_DIR, and DATABASE_URL on PostgreSQL. */
  env: Record<string, string>;
  /** Drops the database and removes the data folder, each only when made here. */
  dispose(): Promise<void>;
}

export interface ServerDataOptions {
  /** PGlite (the default), or a fresh PostgreSQL database. */
  database?: DatabaseChoice;
  /** The data folder to use (kept by `dispose`); a fresh temporary one by default. */
  dataDir?: string;
  /** A data folder to start from a copy of (only with a fresh temporary one). */
  copyFrom?: string;
  /** Names the temporary folder (`sm-LABEL-…`) and database (`sm_LABEL_…`): test, e2e, bench. */
  label?: string;
}

/**
 * A data folder and a database for one server (or several in turn): see ServerDataOptions.
 * Everything made here is removed by `dispose()`.
 */
export async function createServerData(options: ServerDataOptions = {}): Promise<ServerData> {
  const label = options.label ?? 'test';
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), `sm-${label}-`)));
  const removeDir = () => (ownDir ? rm(dataDir, { recursive: true, force: true }) : undefined);
  let database: TestDatabase;
  try {
    if (ownDir && options.copyFrom) await cp(options.copyFrom, dataDir, { recursive: true });
    database = await createTestDatabase(options.database ?? 'pglite', label);
  } catch (error) {
    await removeDir();
    throw error;
  }
  return {
    kind: database.kind,
    dataDir,
    databaseUrl: database.databaseUrl,
    description: database.kind === 'pglite' ? `PGlite in ${dataDir}` : database.description,
    env: {
      DATA_DIR: dataDir,
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    },
    async dispose() {
      try {
        await database.drop();
      } finally {
        await removeDir();
      }
    },
  };
}
