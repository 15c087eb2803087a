/**
 * The server under test for `npm run bench:server`: `sm-server start` in a child process over
 * a fresh PGlite DATA_DIR, or over a new database on BENCH_DATABASE_URL's PostgreSQL server.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The project folder, from dist/bench (node) and from bench (tsx) alike. */
const ROOT = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url),
);
const SM_SERVER = join(ROOT, 'bin', 'sm-server.js');

/** Server settings that must not leak from the bench's own environment into the child. */
const SERVER_VARIABLES = [
  'HOST',
  'PORT',
  'DATA_DIR',
  'DATABASE_URL',
  'MAX_UPLOAD_BYTES',
  'UPLOAD_EXPIRY_HOURS',
  'DEFAULT_QUOTA_BYTES',
  'DEFAULT_QUOTA_FILES',
];

export interface BenchDatabase {
  kind: 'pglite' | 'postgres';
  /** Where the server keeps its data (PGlite, objects, unfinished uploads). */
  dataDir: string;
  /** The fresh database's URL on PostgreSQL. */
  databaseUrl: string | null;
  /** What it is, for the report ("PostgreSQL 16.4 ..."). */
  description: string;
  /** Drops the database (PostgreSQL) and removes the data folder. */
  dispose(): Promise<void>;
}

/**
 * A fresh temporary DATA_DIR, with PGlite in it, or with a new database on the PostgreSQL
 * server at `adminUrl` (dropped by `dispose`).
 */
export async function createBenchDatabase(adminUrl: string | null): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sm-bench-server-'));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  if (!adminUrl) {
    return {
      kind: 'pglite',
      dataDir,
      databaseUrl: null,
      description: `PGlite in ${dataDir}`,
      dispose: removeDir,
    };
  }
  const name = `sm_bench_${randomBytes(6).toString('hex')}`;
  let version: string;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    await admin.query(`create database ${name}`);
    const rows = await admin.query<{ server_version: string }>('show server_version');
    version = `PostgreSQL ${rows.rows[0]?.server_version ?? '?'}`;
  } catch (error) {
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
    await removeDir();
    throw new Error(`cannot create a database at BENCH_DATABASE_URL: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await admin.end().catch(() => {});
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    dataDir,
    databaseUrl: url.toString(),
    description: `${version} at ${url.host}, database ${name} (dropped afterwards)`,
    async dispose() {
      const c = new pg.Client({ connectionString: adminUrl });
      try {
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end().catch(() => {});
        await removeDir();
      }
    },
  };
}

function serverEnv(db: BenchDatabase): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SERVER_VARIABLES) delete env[name];
  return {
    ...env,
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: db.dataDir,
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
  };
}

/** `sm-server user add NAME --json` on the database: the new user's token. */
export function addUser(db: BenchDatabase, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [SM_SERVER, 'user', 'add', name, '--json'],
      { env: serverEnv(db) },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`sm-server user add failed: ${stderr.trim() || error.message}`));
          return;
        }
        try {
          const lines = stdout.trim().split('\n');
          const answer = JSON.parse(lines.at(-1) ?? '') as { token?: unknown };
          if (typeof answer.token !== 'string') throw new Error('no token in the answer');
          resolve(answer.token);
        } catch (e) {
          reject(
            new Error(`sm-server user add printed no token (${(e as Error).message}): ${stdout}`),
          );
        }
      },
    );
  });
}

export interface ServerProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  pid: number;
  /** The lines the server wrote to stderr (its error log). */
  errorLog(): string[];
  /** How the process ended, or null while it runs. */
  exitStatus(): string | null;
  /** CPU seconds (user + system) the server process has used, from /proc; null elsewhere. */
  cpuSeconds(): Promise<number | null>;
  /** SIGTERM, then SIGKILL when it has not exited after 10 s. */
  stop(): Promise<void>;
}

/**
 * Starts `sm-server start` and waits for its `listening on URL` line (60 s at most).
 * `nodeFlags` go to the server's node (e.g. `--cpu-prof` to profile it under the load).
 */
export function startServerProcess(
  db: BenchDatabase,
  nodeFlags: string[] = [],
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, SM_SERVER, 'start'], {
    env: serverEnv(db),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderrLines: string[] = [];
  let stdout = '';
  let stderrTail = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderrTail += d.toString();
    const lines = stderrTail.split('\n');
    stderrTail = lines.pop() ?? '';
    stderrLines.push(...lines);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timeout);
      void stop().then(() =>
        reject(new Error(`${message}\n${[...stderrLines, stderrTail].join('\n')}`.trim())),
      );
    };
    const timeout = setTimeout(() => fail('sm-server did not start within 60 s'), 60_000);
    child.once('error', (error) => fail(`cannot run sm-server: ${error.message}`));
    const exitedEarly = (code: number | null, signal: string | null) =>
      fail(`sm-server exited before listening (code ${code}, signal ${signal})`);
    child.once('exit', exitedEarly);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /^listening on (http:\/\/\S+)\s*$/m.exec(stdout);
      if (!match) return;
      clearTimeout(timeout);
      child.off('exit', exitedEarly);
      stdout = '';
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({
        url: match[1]!,
        pid: child.pid!,
        errorLog: () => [...stderrLines, ...(stderrTail ? [stderrTail] : [])],
        exitStatus: () =>
          child.exitCode !== null
            ? `exited with code ${child.exitCode}`
            : child.signalCode !== null
              ? `killed by ${child.signalCode}`
              : null,
        cpuSeconds: () => processCpuSeconds(child.pid!),
        stop,
      });
    });
  });
}

/** utime + stime of a process from /proc/PID/stat, in seconds (Linux; null elsewhere). */
async function processCpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}
