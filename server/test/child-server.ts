import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type DatabaseKind } from './harness.js';

// The built command (`npm test` builds first), as `npm start` runs it.
const BIN = join(import.meta.dirname, '../../bin/sm-server.js');
const START_TIMEOUT_MS = 60_000;

/**
 * `sm-server start` as a child process that a test may kill at any moment (SIGKILL, or a
 * failpoint: `SM_FAILPOINT` in `env`) and start again on the same port, data folder and
 * database, as an operator restarting a crashed server would.
 */
export interface ChildServer {
  /** http://127.0.0.1:PORT, the same across restarts. */
  url: string;
  /** A user's token: the local user's (printed at start) on PGlite, one made with `user add` on PostgreSQL. */
  token: string;
  dataDir: string;
  /** Its PostgreSQL database; null on PGlite (under `dataDir`). */
  databaseUrl: string | null;
  /** Resolves when the current process exits (by itself, a failpoint, or a kill). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Stops it with `signal` (SIGKILL by default; SIGTERM asks it to stop cleanly) and waits for
   * it to exit, leaving its data and database for a restart or a look.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again (after it exited, or stopping it first) with these extra env vars. */
  restart(env?: Record<string, string>): Promise<void>;
  /** Everything every process of it wrote, for failure messages. */
  log(): string;
  /** Stops it and removes its data and database. */
  close(): Promise<void>;
}

export async function startChildServer(
  kind: DatabaseKind,
  env: Record<string, string> = {},
): Promise<ChildServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sm-child-server-'));
  const { databaseUrl, dropDatabase } = await createTestDatabase(kind);
  let output = '';
  let child: ChildProcess | null = null;
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({
    code: null,
    signal: null,
  });
  let port = '0';
  const baseEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    SM_FAILPOINT: '',
  };
  // PostgreSQL has no local user: make one, as an operator would.
  const madeToken = databaseUrl
    ? (
        JSON.parse(
          (
            await promisify(execFile)(process.execPath, [BIN, 'user', 'add', 'faults', '--json'], {
              env: baseEnv,
            })
          ).stdout,
        ) as { token: string }
      ).token
    : null;

  const launch = async (extra: Record<string, string>) => {
    const proc = spawn(process.execPath, [BIN, 'start'], {
      env: { ...baseEnv, PORT: port, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    exit = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    const from = output.length;
    output += `--- sm-server start ${JSON.stringify(extra)}\n`;
    return new Promise<{ url: string; token: string }>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`sm-server did not start:\n${output.slice(from)}`));
      }, START_TIMEOUT_MS);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const mine = output.slice(from);
        const url = /listening on (http:\/\/\S+)/.exec(mine)?.[1];
        const token = madeToken ?? /\?token=(smt_[A-Za-z0-9_-]+)/.exec(mine)?.[1];
        if (url && token) {
          clearTimeout(timer);
          resolve({ url, token });
        }
      };
      proc.stdout.on('data', read);
      proc.stderr.on('data', read);
      void exit.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`sm-server exited (${code ?? signal}) before it listened:\n${output}`));
      });
    });
  };

  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const proc = child;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill(signal);
      await exit;
    }
  };

  const first = await launch(env).catch(async (error: unknown) => {
    await dropDatabase();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  port = new URL(first.url).port;
  return {
    url: first.url,
    token: first.token,
    dataDir,
    databaseUrl: databaseUrl ?? null,
    exited: () => exit,
    stop,
    async restart(extra = {}) {
      await stop();
      await launch(extra);
    },
    log: () => output,
    async close() {
      await stop();
      await dropDatabase();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
