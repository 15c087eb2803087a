import { execFileSync, spawn } from 'node:child_process';

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
