import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** A running `sm-server start` of one test: its own data folder and port. */
export interface TestServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The sign-in link the server printed for the local user. */
  signInUrl: string;
  /** The local user's bearer token (for the REST API). */
  token: string;
  dataDir: string;
  /** Everything the server wrote on stdout and stderr so far. */
  log(): string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its data folder. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/**
 * Starts a fresh server on a free port (PORT=0: the server prints the port it got) with an empty
 * PGlite database in a temporary folder, and resolves once it prints `listening on` and the
 * sign-in link. Throws with the server's output when it exits or takes too long.
 */
export async function startTestServer(): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sm-e2e-'));
  const child = spawn(process.execPath, [join(ROOT, 'bin/sm-server.js'), 'start'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited(child);
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const started = await new Promise<{ url: string; signInUrl: string }>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`sm-server did not start in ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      );
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
        const signInUrl = /sign in as "[^"]+": (http:\/\/\S+)/.exec(output)?.[1];
        if (url && signInUrl) {
          clearTimeout(timer);
          done({ url, signInUrl });
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`sm-server exited (${code ?? signal}) before it listened:\n${output}`));
      });
    });
    const token = new URL(started.signInUrl).searchParams.get('token');
    if (!token) throw new Error(`no token in the sign-in link ${started.signInUrl}`);
    return { ...started, token, dataDir, log: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
