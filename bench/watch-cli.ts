/**
 * One `sm-import import DIR --watch --json` child process for a bench: its JSON lines parsed
 * and timed as they arrive (performance.now(), the bench's clock), waits on them, and its
 * stop by SIGINT. Without Vitest (cli/test/cli-process.ts is the tests' equivalent).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { SM_IMPORT_BIN } from '../testing/paths.js';

/** A line of the CLI's `--json` output: the fields the bench reads, the rest unchecked. */
export interface OutputLine {
  type: string;
  path?: string;
  state?: string;
  job_id?: string;
  [field: string]: unknown;
}

/** A JSON line of the CLI's output and when the bench read it. */
export interface TimedEvent {
  at: number;
  event: OutputLine;
}

export interface WatchExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class WatchCli {
  readonly child: ChildProcess;
  readonly exited: Promise<WatchExit>;
  readonly events: TimedEvent[] = [];
  /** Lines of stdout that are not JSON. */
  readonly garbage: string[] = [];
  stderr = '';
  private pending = '';
  private ended: WatchExit | null = null;

  constructor(dir: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, [SM_IMPORT_BIN, 'import', dir, '--watch', '--json'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      const at = performance.now();
      const lines = (this.pending + text).split('\n');
      this.pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          this.events.push({ at, event: JSON.parse(line) as OutputLine });
        } catch {
          this.garbage.push(line);
        }
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', (error) =>
        reject(new Error(`cannot run sm-import: ${error.message}`)),
      );
      this.child.once('close', (code, signal) => {
        this.ended = { code, signal };
        resolve(this.ended);
      });
    });
    this.exited.catch(() => {}); // read by `wait` and `stop`
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The last output, for an error message. */
  tail(): string {
    const lines = this.events.slice(-20).map((e) => JSON.stringify(e.event));
    return `stdout (last 20 lines):\n${lines.join('\n')}\nstderr:\n${this.stderr.slice(-3000)}`;
  }

  /** Polls `ready` every 10 ms; throws with the CLI's output if it ends first or it takes too long. */
  async wait(what: string, ready: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (ready()) return;
      if (this.ended)
        throw new Error(
          `sm-import ended (${this.ended.code ?? this.ended.signal}) before ${what}\n${this.tail()}`,
        );
      if (performance.now() > deadline)
        throw new Error(
          `sm-import: ${what} did not happen in ${timeoutMs / 1000} s\n${this.tail()}`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** VmHWM (peak RSS over the process's life) and VmRSS from /proc, in bytes; null elsewhere. */
  async memory(): Promise<{ hwm: number; rss: number } | null> {
    try {
      const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
      const kb = (field: string) =>
        Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
      return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
    } catch {
      return null;
    }
  }

  /** Ctrl-C: SIGINT, then SIGKILL if it has not ended within `timeoutMs`. */
  async stop(timeoutMs = 60_000): Promise<WatchExit & { killed: boolean }> {
    if (this.ended) return { ...this.ended, killed: false };
    this.child.kill('SIGINT');
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      this.child.kill('SIGKILL');
    }, timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return { ...exit, killed };
  }
}
