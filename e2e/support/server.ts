import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** How a server process ended: its exit code, or the signal that killed it. */
export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `sm-server start` of one test: its own data folder and port. */
export interface TestServer {
  /** http://127.0.0.1:PORT (the same over restarts). */
  url: string;
  /** The sign-in link the server printed for the local user. */
  signInUrl: string;
  /** The local user's bearer token (for the REST API; kept in DATA_DIR over restarts). */
  token: string;
  dataDir: string;
  /** Everything the server wrote on stdout and stderr so far, over every run of it. */
  log(): string;
  /** Resolves when the current server process ends, however it ends. */
  exited(): Promise<ServerExit>;
  /** Whether the current server process is still running. */
  running(): boolean;
  /** Kills the current server process at once (SIGKILL by default); resolves once it is gone. */
  kill(signal?: NodeJS.Signals): Promise<ServerExit>;
  /**
   * Starts the server again on the same port and data folder, with `env` added to the
   * environment (replacing the previous run's extra env, e.g. dropping `SM_FAILPOINT`). A
   * server still running is stopped first. Resolves once it listens again.
   */
  restart(env?: Record<string, string>): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its data folder. */
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Added to the server's environment (e.g. `{ SM_FAILPOINT: 'server:commit' }`). */
  env?: Record<string, string>;
  /** The port to listen on; 0 (the default) lets the server take a free one. */
  port?: number;
  /** The data folder to use (kept by `stop()`); a fresh temporary one by default. */
  dataDir?: string;
  /**
   * Starts from a copy of a data folder that a server of this process made once and stopped
   * (an empty database with the local user), rather than creating the database anew: the same
   * fresh state, seconds sooner. Ignored when `dataDir` is given.
   */
  fromTemplate?: boolean;
}

let template: Promise<string> | null = null;

/** The data folder of a server that started once and stopped cleanly; removed at exit. */
function templateDataDir(): Promise<string> {
  template ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sm-e2e-template-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const server = await startTestServer({ dataDir: dir });
    await server.stop();
    return dir;
  })();
  return template;
}

function exitOf(child: ChildProcess): Promise<ServerExit> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
}

/** One process of the server: resolves once it prints `listening on` and the sign-in link. */
async function spawnServer(
  dataDir: string,
  port: number,
  env: Record<string, string>,
  append: (text: string) => void,
): Promise<{ child: ChildProcess; url: string; signInUrl: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/sm-server.js'), 'start'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    return await new Promise((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`sm-server did not start in ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      );
      let started = false;
      const read = (chunk: Buffer) => {
        const text = chunk.toString();
        output += text;
        append(text);
        if (started) return;
        const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
        const signInUrl = /sign in as "[^"]+": (http:\/\/\S+)/.exec(output)?.[1];
        if (url && signInUrl) {
          started = true;
          clearTimeout(timer);
          done({ child, url, signInUrl });
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!started)
          fail(new Error(`sm-server exited (${code ?? signal}) before it listened:\n${output}`));
      });
    });
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exitOf(child);
    throw error;
  }
}

/**
 * Starts a server with an empty PGlite database in a temporary folder (or `options.dataDir`;
 * or a copy of a stopped fresh server's folder with `options.fromTemplate`),
 * on a free port (PORT=0: the server prints the port it got) unless `options.port` is given,
 * and resolves once it listens and printed the sign-in link. Throws with the server's output
 * when it exits or takes too long. `restart()` keeps the port and the data folder.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'sm-e2e-')));
  if (ownDataDir && options.fromTemplate)
    await cp(await templateDataDir(), dataDir, { recursive: true });
  let output = '';
  const append = (text: string) => (output += text);
  let run!: { child: ChildProcess; url: string; signInUrl: string };
  let lifetime = 1;

  const stopChild = async () => {
    const child = run.child;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exitOf(child);
      clearTimeout(timer);
    }
  };
  try {
    run = await spawnServer(dataDir, options.port ?? 0, options.env ?? {}, append);
  } catch (error) {
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const token = new URL(run.signInUrl).searchParams.get('token');
  if (!token) {
    await stopChild();
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    throw new Error(`no token in the sign-in link ${run.signInUrl}`);
  }
  const port = Number(new URL(run.url).port);

  const server: TestServer = {
    url: run.url,
    signInUrl: run.signInUrl,
    token,
    dataDir,
    log: () => output,
    exited: () => exitOf(run.child),
    running: () => run.child.exitCode === null && run.child.signalCode === null,
    async kill(signal = 'SIGKILL') {
      if (server.running()) run.child.kill(signal);
      return exitOf(run.child);
    },
    async restart(env = {}) {
      await stopChild();
      lifetime++;
      append(`\n===== e2e: restart ${lifetime} of the server, env ${JSON.stringify(env)} =====\n`);
      run = await spawnServer(dataDir, port, env, append);
      if (run.url !== server.url)
        throw new Error(`the restarted server listens on ${run.url}, not ${server.url}`);
    },
    async stop() {
      await stopChild();
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
