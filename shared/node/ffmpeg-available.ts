import { spawn } from 'node:child_process';

let available: Promise<boolean> | null = null;

/** Whether both `ffmpeg` and `ffprobe` run from the PATH. Checked once per process, then cached. */
export function ffmpegAvailable(): Promise<boolean> {
  available ??= Promise.all([runs('ffmpeg'), runs('ffprobe')]).then(([a, b]) => a && b);
  return available;
}

function runs(cmd: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(cmd, ['-version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}
