import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limitsEnvShape } from '../server/src/limits.js';
import { ROOT, SM_SERVER_BIN } from './paths.js';
import { createServerData, type DatabaseChoice, type ServerData } from './server-data.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Server settings that never leak from the caller's environment into the server's: a test or
 * a bench states the ones it wants (`env`), the others are the server's defaults.
 */
const SERVER_VARIABLES = [
  'HOST',
  'PORT',
  'DATA_DIR',
  'DATABASE_URL',
  'OBJECT_STORE',
  'OBJECT_STORE_ENDPOINT',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'SECRET_KEY',
  'BUCKET_ENDPOINTS',
  'BUCKET_WORKERS',
  'MAX_UPLOAD_BYTES',
  'UPLOAD_EXPIRY_HOURS',
  'DEFAULT_QUOTA_BYTES',
  'DEFAULT_QUOTA_FILES',
  'TRUST_PROXY',
  'SM_REFINGERPRINT',
  'SM_FAILPOINT',
  ...Object.keys(limitsEnvShape),
];

/** How a server process ended: its exit code, or the signal that killed it. */
export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcessOptions {
  /**
   * The data folder and database, made and disposed of by the caller (`close()` leaves them).
   * Without it, they are made from `database`, `dataDir` and `fromTemplate`, and `close()`
   * removes what was made.
   */
  data?: ServerData;
  /** PGlite in the data folder (the default), or a fresh PostgreSQL database. */
  database?: DatabaseChoice;
  /** The data folder to use (kept by `close()`); a fresh temporary one by default. */
  dataDir?: string;
  /**
   * Starts from a copy of the data folder of a PGlite server that this process started once
   * and stopped (an empty database with the local user), rather than creating the database
   * anew: the same fresh state, seconds sooner. Only with a fresh temporary PGlite data folder.
   */
  fromTemplate?: boolean;
  /** Names the temporary data folder and database: `sm-LABEL-…` (test, e2e, bench). */
  label?: string;
  /** Added to the server's environment (e.g. `{ SM_FAILPOINT: 'server:commit' }`). */
  env?: Record<string, string>;
  /** The port to listen on; 0 (the default) lets the server take a free one. */
  port?: number;
  /** Flags for the server's node (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
  /**
   * Users made with `sm-server user add NAME --json` before the server starts (their tokens
   * in `tokens`). On PostgreSQL, which has no local user, `token` is the first one's; a user
   * `test` is made when none is named.
   */
  users?: string[];
}

/** A running `sm-server start` (the built command, as an operator runs it) of one test or bench. */
export interface ServerProcess {
  /** http://127.0.0.1:PORT (the same over restarts). */
  url: string;
  /** The sign-in link the server printed for the local user (PGlite); null on PostgreSQL. */
  signInUrl: string | null;
  /** A bearer token: the local user's on PGlite (kept in DATA_DIR over restarts); see `users`. */
  token: string;
  /** The tokens of `options.users`, by name. */
  tokens: Record<string, string>;
  dataDir: string;
  /** Its PostgreSQL database; null on PGlite (under `dataDir`). */
  databaseUrl: string | null;
  /** Its data: folder, database and their description. */
  data: ServerData;
  /** The current server process's id. */
  readonly pid: number;
  /** Everything the server wrote on stdout and stderr so far, over every run of it. */
  log(): string;
  /** The lines the server wrote on stderr (its error log) so far, over every run of it. */
  errorLog(): string[];
  /** Resolves when the current server process ends, however it ends. */
  exited(): Promise<ServerExit>;
  /** Whether the current server process is still running. */
  running(): boolean;
  /** How the current process ended ("exited with code 1", "killed by SIGKILL"); null while it runs. */
  exitStatus(): string | null;
  /** CPU seconds (user + system) the current process has used, from /proc; null elsewhere. */
  cpuSeconds(): Promise<number | null>;
  /**
   * Sends the current process `signal` (SIGKILL by default: a crash; SIGTERM asks it to stop
   * cleanly) and resolves once it has exited, leaving its data for a restart or a look.
   */
  kill(signal?: NodeJS.Signals): Promise<ServerExit>;
  /** Stops the current process (SIGTERM, then SIGKILL after 10 s); keeps its data. */
  stop(): Promise<void>;
  /**
   * Starts the server again on the same port and data, with `env` added to the environment
   * (replacing the previous run's extra env, e.g. dropping `SM_FAILPOINT`). A server still
   * running is stopped first. Resolves once it listens again.
   */
  restart(env?: Record<string, string>): Promise<void>;
  /** Stops the server and removes the data folder and database made for it. */
  close(): Promise<void>;
}

/** The server's environment: the caller's, less the server settings, plus these. */
function serverEnv(data: ServerData, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SERVER_VARIABLES) delete env[name];
  return { ...env, HOST: '127.0.0.1', ...data.env, ...extra };
}

/** `sm-server user add NAME --json` on the data (no server may run on PGlite): its token. */
export function addUser(data: ServerData, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [SM_SERVER_BIN, 'user', 'add', name, '--json'],
      { env: serverEnv(data, {}) },
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

let template: Promise<string> | null = null;

/** The data folder of a PGlite server that started once and stopped cleanly; removed at exit. */
function templateDataDir(): Promise<string> {
  template ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sm-template-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const server = await startServerProcess({ dataDir: dir });
    await server.close();
    return dir;
  })();
  return template;
}

function exitOf(child: ChildProcess): Promise<ServerExit> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
}

const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

interface Run {
  child: ChildProcess;
  url: string;
  signInUrl: string | null;
}

/**
 * One process of the server. Resolves once it printed `listening on URL` and, on PGlite, the
 * local user's sign-in link; rejects with its output when it exits first or takes 60 s.
 */
async function spawnServer(
  data: ServerData,
  options: { port: number; env: Record<string, string>; nodeFlags: string[] },
  append: (text: string, stream: 'stdout' | 'stderr') => void,
): Promise<Run> {
  const child = spawn(process.execPath, [...options.nodeFlags, SM_SERVER_BIN, 'start'], {
    cwd: ROOT,
    env: serverEnv(data, { PORT: String(options.port), ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  try {
    return await new Promise<Run>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`sm-server did not start in ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      );
      let started = false;
      const read = (stream: 'stdout' | 'stderr') => (text: string) => {
        append(text, stream);
        if (started) return;
        output += text;
        if (stream === 'stderr') return;
        stdout += text;
        // Whole lines only: a chunk may end in the middle of an address.
        const url = /^listening on (http:\/\/\S+)\r?\n/m.exec(stdout)?.[1];
        const signInUrl = /^sign in as "[^"]+": (http:\/\/\S+)\r?\n/m.exec(stdout)?.[1] ?? null;
        if (url && (signInUrl || data.kind === 'postgres')) {
          started = true;
          clearTimeout(timer);
          done({ child, url, signInUrl });
        }
      };
      child.stdout.setEncoding('utf8').on('data', read('stdout'));
      child.stderr.setEncoding('utf8').on('data', read('stderr'));
      child.once('error', (error) => {
        clearTimeout(timer);
        fail(new Error(`cannot run sm-server: ${error.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!started)
          fail(new Error(`sm-server exited (${code ?? signal}) before it listened:\n${output}`));
      });
    });
  } catch (error) {
    if (isRunning(child)) child.kill('SIGKILL');
    if (child.pid !== undefined) await exitOf(child);
    throw error;
  }
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

/**
 * Starts `sm-server start` (the built command: `npm run build` first) in a child process on a
 * free loopback port (or `options.port`), over a fresh PGlite data folder or PostgreSQL
 * database (see ServerProcessOptions), and resolves once it listens. Throws with the server's
 * output when it exits or takes more than 60 s. `restart()` keeps the port and the data.
 */
export async function startServerProcess(
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const ownData = options.data === undefined;
  const pglite = options.database === undefined || options.database === 'pglite';
  if (options.fromTemplate && (options.data || options.dataDir !== undefined || !pglite))
    throw new Error('fromTemplate starts from a fresh temporary PGlite data folder only');
  const data =
    options.data ??
    (await createServerData({
      database: options.database ?? 'pglite',
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      ...(options.fromTemplate ? { copyFrom: await templateDataDir() } : {}),
      label: options.label ?? 'test',
    }));
  const nodeFlags = options.nodeFlags ?? [];
  let output = '';
  const stderrLines: string[] = [];
  let stderrTail = '';
  const append = (text: string, stream: 'stdout' | 'stderr') => {
    output += text;
    if (stream === 'stdout') return;
    const lines = (stderrTail + text).split('\n');
    stderrTail = lines.pop() ?? '';
    stderrLines.push(...lines);
  };

  let run: Run;
  const tokens: Record<string, string> = {};
  try {
    // PostgreSQL has no local user: `token` is the first named user's, or a user `test`'s.
    const named = options.users ?? [];
    const users = data.kind === 'postgres' && named.length === 0 ? ['test'] : named;
    for (const name of users) tokens[name] = await addUser(data, name);
    run = await spawnServer(
      data,
      { port: options.port ?? 0, env: options.env ?? {}, nodeFlags },
      append,
    );
  } catch (error) {
    if (ownData) await data.dispose();
    throw error;
  }
  const stop = async () => {
    const child = run.child;
    if (!isRunning(child)) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exitOf(child);
    clearTimeout(timer);
  };
  const signInToken = run.signInUrl ? new URL(run.signInUrl).searchParams.get('token') : null;
  const token = data.kind === 'pglite' ? signInToken : (Object.values(tokens)[0] ?? null);
  if (!token) {
    await stop();
    if (ownData) await data.dispose();
    throw new Error(`no token in the sign-in link ${run.signInUrl}`);
  }
  const port = Number(new URL(run.url).port);
  let lifetime = 1;
  let closing: Promise<void> | null = null;

  const server: ServerProcess = {
    url: run.url,
    signInUrl: run.signInUrl,
    token,
    tokens,
    dataDir: data.dataDir,
    databaseUrl: data.databaseUrl,
    data,
    get pid() {
      return run.child.pid!;
    },
    log: () => output,
    errorLog: () => [...stderrLines, ...(stderrTail ? [stderrTail] : [])],
    exited: () => exitOf(run.child),
    running: () => isRunning(run.child),
    exitStatus: () =>
      run.child.exitCode !== null
        ? `exited with code ${run.child.exitCode}`
        : run.child.signalCode !== null
          ? `killed by ${run.child.signalCode}`
          : null,
    cpuSeconds: () => processCpuSeconds(run.child.pid!),
    async kill(signal = 'SIGKILL') {
      if (isRunning(run.child)) run.child.kill(signal);
      return exitOf(run.child);
    },
    stop,
    async restart(env = {}) {
      await stop();
      lifetime++;
      append(
        `\n===== restart ${lifetime} of the server, env ${JSON.stringify(env)} =====\n`,
        'stdout',
      );
      run = await spawnServer(data, { port, env, nodeFlags }, append);
      if (run.url !== server.url)
        throw new Error(`the restarted server listens on ${run.url}, not ${server.url}`);
    },
    close: () =>
      (closing ??= (async () => {
        await stop();
        if (ownData) await data.dispose();
      })()),
  };
  return server;
}
