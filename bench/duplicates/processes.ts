import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Runs a tool (ffmpeg, sox, fluidsynth, timidity) and resolves with its stdout as bytes.
 * @throws Error naming the command and quoting the end of its stderr when it fails.
 */
export async function runTool(command: string, args: string[]): Promise<Buffer> {
  try {
    const { stdout } = await execFileAsync(command, args, {
      encoding: 'buffer',
      maxBuffer: 1 << 30,
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().slice(-600) ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr || String(error)}`, {
      cause: error,
    });
  }
}

/**
 * Mono PCM (channels averaged) of a WAV, FLAC or AIFF file at `sampleRate` Hz, through sox
 * (ffmpeg takes ~0.5 s to start on the reference machine, sox 20 ms).
 */
export async function decodeMono(path: string, sampleRate: number): Promise<Float32Array> {
  const bytes = await runTool('sox', [
    ...['-V1', path, '-t', 'f32', '-e', 'floating-point', '-b', '32'],
    ...['-c', '1', '-r', String(sampleRate), '-'],
  ]);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, copy.byteLength >> 2);
}

/** Channel count of a WAV, FLAC or AIFF file (soxi). */
export async function channelsOf(path: string): Promise<number> {
  return Number((await runTool('soxi', ['-c', path])).toString().trim());
}

/** Calls `task` on every item with at most `limit` running at once; resolves when all are done. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, lane));
}
