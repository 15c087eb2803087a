/**
 * ffmpeg.wasm (@ffmpeg/core, GPL-2.0-or-later, self-hosted: no CDN) as the analysis worker's
 * second decoder. Its 32 MB of WASM load only the first time a file needs it, and stay cached by
 * the service worker after that.
 */
import coreUrl from '@ffmpeg/core?url';
import wasmUrl from '@ffmpeg/core/wasm?url';

interface FfmpegCore {
  FS: {
    writeFile(path: string, data: Uint8Array): void;
    readFile(path: string): Uint8Array;
    unlink(path: string): void;
  };
  exec(...args: string[]): number;
  reset(): void;
  setLogger(logger: (entry: { type: string; message: string }) => void): void;
}

type CreateCore = (options: { mainScriptUrlOrBlob: string }) => Promise<FfmpegCore>;

let core: Promise<FfmpegCore> | null = null;
let log: string[] = [];

function loadCore(): Promise<FfmpegCore> {
  core ??= (async () => {
    const module = (await import(/* @vite-ignore */ coreUrl)) as { default: CreateCore };
    // The core finds its WASM from the fragment of its own URL (as @ffmpeg/ffmpeg passes it).
    const urls = { wasmURL: new URL(wasmUrl, self.location.href).href, workerURL: '' };
    const loaded = await module.default({
      mainScriptUrlOrBlob: `${coreUrl}#${btoa(JSON.stringify(urls))}`,
    });
    loaded.setLogger(({ message }) => {
      log.push(message);
      if (log.length > 40) log.shift();
    });
    return loaded;
  })();
  core.catch(() => (core = null));
  return core;
}

/** The last thing ffmpeg said that reads like a reason. */
function reason(): string {
  const line = [...log].reverse().find((l) => /error|invalid|could not|unsupported/i.test(l));
  return (line ?? log.at(-1) ?? 'ffmpeg failed').trim();
}

/**
 * Decodes any audio ffmpeg reads into a 32-bit float WAV at the file's own rate and channels.
 * @throws Error with ffmpeg's reason when it cannot read the file.
 */
export async function transcodeToWav(bytes: Uint8Array): Promise<Uint8Array> {
  const ffmpeg = await loadCore();
  log = [];
  ffmpeg.FS.writeFile('in', bytes);
  try {
    const code = ffmpeg.exec(
      '-hide_banner',
      '-nostdin',
      '-i',
      'in',
      '-vn',
      '-c:a',
      'pcm_f32le',
      '-f',
      'wav',
      'out.wav',
    );
    if (code !== 0) throw new Error(reason());
    return ffmpeg.FS.readFile('out.wav');
  } finally {
    ffmpeg.reset();
    for (const path of ['in', 'out.wav']) {
      try {
        ffmpeg.FS.unlink(path);
      } catch {
        // Not written.
      }
    }
  }
}
