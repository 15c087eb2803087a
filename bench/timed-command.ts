/**
 * Runs a command to completion under GNU time (`/usr/bin/time`), for its wall time, CPU seconds
 * and peak memory; without GNU time only the wall time is known.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

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
}

/** Whether figures other than the wall time can be measured here. */
export const hasGnuTime = existsSync(GNU_TIME);

/** Runs `command args` (cwd `cwd`) and resolves when it exits, whatever its exit code. */
export function timedCommand(
  command: string,
  args: string[],
  options: { cwd?: string; captureStdout?: boolean } = {},
): Promise<TimedResult> {
  const [file, argv] = hasGnuTime
    ? [GNU_TIME, ['-f', `${MARK} %e %U %S %M`, command, ...args]]
    : [command, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, {
      cwd: options.cwd,
      // Its own process group, so that a stop kills the command and not only GNU time.
      detached: true,
      stdio: ['ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'],
    });
    running.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', (error) => {
      running.delete(child);
      reject(error);
    });
    child.on('close', (code) => {
      running.delete(child);
      const wallMs = performance.now() - started;
      const lines = Buffer.concat(err).toString().split('\n');
      const at = lines.findLastIndex((l) => l.startsWith(`${MARK} `));
      const figures = at >= 0 ? lines[at]!.split(' ').slice(1).map(Number) : [];
      if (at >= 0) lines.splice(at, 1);
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
