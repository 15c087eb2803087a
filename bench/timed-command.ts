/**
 * Runs a command to completion under GNU time (`/usr/bin/time`), for its wall time, CPU seconds
 * and peak memory; without GNU time only the wall time is known.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const GNU_TIME = '/usr/bin/time';
/** The line GNU time writes after the command's own stderr: wall s, user s, system s, max RSS KiB. */
const MARK = 'SM-BENCH-TIME';
const running = new Set<ChildProcess>();

export interface TimedResult {
  code: number;
  wallMs: number;
  /** User + system CPU seconds of the command and the children it waited for; null if unknown. */
  cpuS: number | null;
  /** Peak resident memory of the largest process of the command, in bytes; null if unknown. */
  maxRssBytes: number | null;
  /** What the command wrote to stdout, when `captureStdout`. */
  stdout: string;
  stderr: string;
  /** The signal that ended the command (as GNU time reports it, or its own), else null. */
  signal: string | null;
}

export interface TimedOptions {
  cwd?: string;
  /** The command's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  captureStdout?: boolean;
  /** Called once the command runs, with its process id (GNU time's, when it wraps it). */
  onSpawn?: (pid: number) => void;
  /** Each line of stdout as it arrives, with performance.now() of its arrival. */
  onStdoutLine?: (line: string, atMs: number) => void;
}

/** Whether figures other than the wall time can be measured here. */
export const hasGnuTime = existsSync(GNU_TIME);

/** Runs `command args` (cwd `cwd`) and resolves when it exits, whatever its exit code. */
export function timedCommand(
  command: string,
  args: string[],
  options: TimedOptions = {},
): Promise<TimedResult> {
  const [file, argv] = hasGnuTime
    ? [GNU_TIME, ['-f', `${MARK} %e %U %S %M`, command, ...args]]
    : [command, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env,
      // Its own process group, so that a stop kills the command and not only GNU time.
      detached: true,
      stdio: ['ignore', options.captureStdout || options.onStdoutLine ? 'pipe' : 'ignore', 'pipe'],
    });
    running.add(child);
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const decoder = new StringDecoder('utf8');
    let partial = '';
    child.stdout?.on('data', (d: Buffer) => {
      if (options.captureStdout) out.push(d);
      if (!options.onStdoutLine) return;
      const at = performance.now();
      const lines = (partial + decoder.write(d)).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onStdoutLine(line, at);
    });
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', (error) => {
      running.delete(child);
      reject(error);
    });
    child.on('close', (code, ownSignal) => {
      running.delete(child);
      const wallMs = performance.now() - started;
      partial += decoder.end();
      if (partial && options.onStdoutLine) options.onStdoutLine(partial, performance.now());
      const lines = Buffer.concat(err).toString().split('\n');
      const at = lines.findLastIndex((l) => l.startsWith(`${MARK} `));
      const figures = at >= 0 ? lines[at]!.split(' ').slice(1).map(Number) : [];
      if (at >= 0) lines.splice(at, 1);
      const signalled = /^Command terminated by signal (\d+)/m.exec(lines.join('\n'));
      resolve({
        code: code ?? -1,
        wallMs,
        cpuS: at >= 0 ? figures[1]! + figures[2]! : null,
        maxRssBytes: at >= 0 ? figures[3]! * 1024 : null,
        stdout: Buffer.concat(out).toString(),
        stderr: lines
          .filter((l) => !l.startsWith('Command exited with non-zero status'))
          .join('\n')
          .trim(),
        signal: signalled ? `signal ${signalled[1]}` : ownSignal,
      });
    });
  });
}

/** Kills the commands still running (the benchmark is stopping). */
export function killRunningCommands(): void {
  for (const child of running) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
