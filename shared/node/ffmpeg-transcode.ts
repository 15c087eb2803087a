import { spawn } from 'node:child_process';

/** Lines of ffmpeg's error output kept for the reason of a failure. */
const REASON_LINES = 3;

/**
 * The native ffmpeg (on the PATH) as analyseSource's second decoder (`transcodeToWav`) for a
 * file on disk: any audio it reads, as a 32-bit float WAV at the file's own rate and channels.
 * It reads the file itself rather than a pipe, since an MP4 whose index comes last needs to seek.
 * @throws Error with ffmpeg's reason when it cannot read the file or cannot start.
 */
export function transcodeFileToWav(path: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-nostdin',
        '-v',
        'error',
        '-i',
        path,
        '-vn',
        '-c:a',
        'pcm_f32le',
        '-f',
        'wav',
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr += text));
    child.on('error', (error) => reject(new Error(`ffmpeg could not start: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(out));
      // Its messages name the file: the reason keeps what follows the path.
      const lines = stderr.trim().split('\n').slice(-REASON_LINES);
      const reason = lines.map((line) => line.split(`${path}: `).pop()!.trim()).join('; ');
      reject(new Error(reason || `ffmpeg exited with code ${code}`));
    });
  });
}
