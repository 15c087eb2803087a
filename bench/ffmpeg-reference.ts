import { execFileSync, spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pool } from './server-api.js';
import { timedCommand } from './timed-command.js';

/** Runs a command to completion; resolves with its stderr text and exit code. */
export function run(command: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

/** ffmpeg's integrated loudness (ebur128 filter) of a file in LUFS, or null if it gives none. */
export async function ffmpegLoudness(path: string): Promise<number | null> {
  const { stderr } = await run('ffmpeg', [
    '-nostats',
    '-hide_banner',
    '-i',
    path,
    '-af',
    'ebur128=framelog=verbose',
    '-f',
    'null',
    '-',
  ]);
  const match = /Integrated loudness:\s*I:\s*(-?[\d.]+|-inf) LUFS/.exec(stderr);
  if (!match || match[1] === '-inf') return null;
  return Number(match[1]);
}

/** Decodes a file with native ffmpeg to nothing (the decode-speed reference). */
export async function ffmpegDecode(path: string): Promise<void> {
  const { code, stderr } = await run('ffmpeg', [
    '-v',
    'error',
    '-i',
    path,
    '-f',
    'f32le',
    '-y',
    '/dev/null',
  ]);
  if (code !== 0) throw new Error(`ffmpeg failed on ${path}: ${stderr.trim()}`);
}

/** The first `maxSeconds` of a file as mono float PCM at `rate` Hz, decoded by ffmpeg. */
export function ffmpegMono(path: string, rate: number, maxSeconds: number): Float32Array {
  const bytes = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      path,
      '-t',
      String(maxSeconds),
      '-ac',
      '1',
      '-ar',
      String(rate),
      '-f',
      'f32le',
      '-',
    ],
    { maxBuffer: 1 << 30 },
  );
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.length / 4);
}

/** What the decoding reference takes: files with one of these extensions. */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set([
  '.wav',
  '.aif',
  '.aiff',
  '.aifc',
  '.flac',
  '.mp3',
  '.ogg',
  '.oga',
  '.opus',
  '.m4a',
  '.mp4',
  '.aac',
  '.caf',
  '.wma',
]);

/** The files under `dir` (recursively) with an audio extension, absolute, in name order. */
export async function audioFilesIn(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }))
    .filter((p) => AUDIO_EXTENSIONS.has(extname(p).toLowerCase()))
    .sort()
    .map((p) => join(dir, p));
}

export interface DecodeAllResult {
  files: number;
  wallMs: number;
  /** Sum of the ffmpeg processes' CPU seconds; null without GNU time. */
  cpuS: number | null;
  /** The largest ffmpeg process's peak RSS; null without GNU time. */
  maxRssBytes: number | null;
  /** Files ffmpeg could not decode (a non-zero exit). */
  failed: number;
}

/** Native ffmpeg decoding every file to nothing (`-f null`), `parallel` processes at a time. */
export async function ffmpegDecodeAll(files: string[], parallel: number): Promise<DecodeAllResult> {
  const started = performance.now();
  const runs = await pool(files, parallel, (file) =>
    timedCommand('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']),
  );
  const known = runs.every((r) => r.cpuS !== null);
  return {
    files: files.length,
    wallMs: performance.now() - started,
    cpuS: known ? runs.reduce((sum, r) => sum + r.cpuS!, 0) : null,
    maxRssBytes: known ? Math.max(...runs.map((r) => r.maxRssBytes!)) : null,
    failed: runs.filter((r) => r.code !== 0).length,
  };
}

/** Median wall time (ms) of ffmpeg starting and stopping on no input: its per-process cost. */
export async function ffmpegStartMs(times = 15): Promise<number> {
  const walls: number[] = [];
  for (let i = 0; i < times; i++) {
    const r = await timedCommand('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'anullsrc',
      '-t',
      '0',
      '-f',
      'null',
      '-',
    ]);
    walls.push(r.wallMs);
  }
  return walls.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}
