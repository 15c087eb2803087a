import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import xxhash from 'xxhash-wasm';
import { FIXTURES, SM_IMPORT_BIN as CLI } from '../../testing/paths.js';

// The built CLI (CLI: `npm test` builds first) as a child process, as a user runs it, and readers
// of its `--json` output: shared by the suites that drive `sm-import` end to end.

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** One `sm-import` child process; its output is readable while it runs. */
export class CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  stdout = '';
  stderr = '';
  private exited = false;

  constructor(args: string[], env: Record<string, string>, timeoutMs = 45_000) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => (this.stdout += s));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.done = new Promise<CliResult>((resolve, reject) => {
      // A run that hangs is a failure of its own, not a test timeout without output.
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(
          new Error(
            `sm-import ${args.join(' ')} did not end within ${timeoutMs / 1000} s\n` +
              `stdout:\n${this.stdout.slice(-4000)}\nstderr:\n${this.stderr.slice(-4000)}`,
          ),
        );
      }, timeoutMs);
      this.child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.exited = true;
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
    this.done.catch(() => {}); // a test that stops waiting early is failed already
  }

  /** The JSON events written so far (complete lines only). */
  events(): any[] {
    const end = this.stdout.lastIndexOf('\n');
    return end < 0 ? [] : jsonLines(this.stdout.slice(0, end));
  }

  /** Polls `ready` until it holds; fails if the run ends first or it takes too long. */
  async waitFor(what: string, ready: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await ready()) return;
      if (this.exited || Date.now() > deadline) {
        this.child.kill('SIGKILL');
        throw new Error(
          `${this.exited ? 'sm-import ended' : 'timed out'} before ${what}\n` +
            `stdout:\n${this.stdout.slice(-4000)}\nstderr:\n${this.stderr.slice(-4000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new CliRun(args, env).done;
}

/** Every line of `--json` output parsed: each one must be a JSON object. */
export function jsonLines(stdout: string): any[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        throw new Error(`not a JSON line in the --json output: ${line}`);
      }
    });
}

export const fileEvents = (events: any[], state?: string): any[] =>
  events.filter((e) => e.type === 'file' && (state === undefined || e.state === state));

export const pathsIn = (events: any[], state: string): string[] =>
  fileEvents(events, state)
    .map((e) => e.path as string)
    .sort();

/** The last file event of each path: its outcome in the run. */
export function outcomes(events: any[]): Map<string, any> {
  const map = new Map<string, any>();
  for (const e of fileEvents(events)) map.set(e.path, e);
  return map;
}

/** A run's output for an assertion message: its stderr and its events but the live ones. */
export function shown(result: CliResult): string {
  const events = result.stdout.split('\n').filter((l) => !l.includes('"bulk_import.update"'));
  return `stderr: ${result.stderr}\nstdout (without bulk_import.update):\n${events.join('\n')}`;
}

/** No stack trace, no "unexpected failure": a run reports problems as messages. */
export function expectNoCrash(result: CliResult): void {
  expect(result.stderr).not.toMatch(/unexpected failure|\n\s+at .+:\d+:\d+/);
  expect(result.stdout).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

let hasher: Awaited<ReturnType<typeof xxhash>> | null = null;

/** The content hash the library keeps for a file: xxh64 of its bytes, 16 hex digits. */
export async function contentHash(file: string): Promise<string> {
  hasher ??= await xxhash();
  return hasher
    .h64Raw(await readFile(file))
    .toString(16)
    .padStart(16, '0');
}

/**
 * A fresh folder named `name` (the root of the import's relative paths) holding fixture files:
 * `files` maps a path in the folder to a path under fixtures/audio.
 */
export async function makeFolder(
  work: string,
  name: string,
  files: Record<string, string>,
): Promise<string> {
  const folder = join(await mkdtemp(join(work, 'src-')), name);
  for (const [to, from] of Object.entries(files)) {
    await mkdir(dirname(join(folder, to)), { recursive: true });
    await copyFile(join(FIXTURES, from), join(folder, to));
  }
  return folder;
}
