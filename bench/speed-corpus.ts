import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './ffmpeg-reference.js';
import { rng } from '../fixtures/lib/dsp.js';
import { encodeWav } from '../fixtures/lib/wav.js';

function hit(out: Float32Array, at: number, rate: number, kind: number, rnd: () => number): void {
  const length = Math.min(out.length - at, Math.round(rate * (kind === 0 ? 0.4 : 0.12)));
  for (let i = 0; i < length; i++) {
    const t = i / rate;
    const v =
      kind === 0
        ? Math.sin(2 * Math.PI * (50 + 120 * Math.exp(-t * 30)) * t) * Math.exp(-t * 8)
        : (rnd() * 2 - 1) * Math.exp(-t * 40) * 0.5;
    out[at + i]! += v * 0.6;
  }
}

/** Drums at `bpm` plus a chord that changes every bar, `seconds` long, mono. */
function groove(seconds: number, rate: number, bpm: number, rnd: () => number): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  const beat = (60 / bpm) * rate;
  for (let b = 0; b * beat < out.length; b++) {
    hit(out, Math.round(b * beat), rate, 0, rnd);
    hit(out, Math.round((b + 0.5) * beat), rate, 1, rnd);
  }
  const roots = [57, 53, 60, 55];
  for (let i = 0; i < out.length; i++) {
    const bar = Math.floor(i / (beat * 4)) % roots.length;
    const root = roots[bar]!;
    let v = 0;
    for (const step of [0, 3, 7])
      v += Math.sin((2 * Math.PI * 440 * 2 ** ((root + step - 69) / 12) * i) / rate);
    out[i]! += v * 0.08;
  }
  return out;
}

function oneShot(seconds: number, rate: number, rnd: () => number): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  hit(out, 0, rate, rnd() < 0.5 ? 0 : 1, rnd);
  return out;
}

async function encode(wavPath: string, target: string, args: string[]): Promise<void> {
  const { code, stderr } = await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    wavPath,
    ...args,
    target,
  ]);
  if (code !== 0) throw new Error(`ffmpeg could not make ${target}: ${stderr}`);
  await rm(wavPath);
}

/**
 * Makes (once, then reuses) the speed-benchmark corpora under `dir`: `short/` with `count`
 * samples of 0.1-16 s in mixed formats, and `tracks/` with `tracks` three-minute tracks.
 */
export async function ensureSpeedCorpus(
  dir: string,
  count: number,
  tracks: number,
): Promise<{ short: string; tracks: string }> {
  const shortDir = join(dir, `short-${count}`);
  const tracksDir = join(dir, `tracks-${tracks}`);
  if (!existsSync(`${shortDir}.complete`)) {
    await mkdir(shortDir, { recursive: true });
    const rnd = rng(7);
    for (let i = 0; i < count; i++) {
      const rate = rnd() < 0.7 ? 44100 : 48000;
      const isLoop = rnd() < 0.3;
      const pcm = isLoop
        ? groove(2 + rnd() * 14, rate, 70 + rnd() * 100, rnd)
        : oneShot(0.1 + rnd() * 1.9, rate, rnd);
      const stereo = rnd() < 0.5;
      const wav = encodeWav(
        { sr: rate, ch: stereo ? [pcm, pcm] : [pcm] },
        { bits: rnd() < 0.7 ? 16 : 24 },
      );
      const base = join(shortDir, `s${String(i).padStart(5, '0')}`);
      await writeFile(`${base}.wav`, wav);
      const pick = rnd();
      if (pick < 0.15) await encode(`${base}.wav`, `${base}.mp3`, ['-b:a', '192k']);
      else if (pick < 0.25) await encode(`${base}.wav`, `${base}.flac`, []);
    }
    await writeFile(`${shortDir}.complete`, '');
  }
  if (!existsSync(`${tracksDir}.complete`)) {
    await mkdir(tracksDir, { recursive: true });
    const rnd = rng(11);
    for (let i = 0; i < tracks; i++) {
      const pcm = groove(180, 44100, 80 + rnd() * 90, rnd);
      const base = join(tracksDir, `t${String(i).padStart(3, '0')}`);
      await writeFile(`${base}.wav`, encodeWav({ sr: 44100, ch: [pcm, pcm] }, { bits: 16 }));
      if (i % 4 < 2) await encode(`${base}.wav`, `${base}.mp3`, ['-b:a', '320k']);
      else if (i % 4 === 2) await encode(`${base}.wav`, `${base}.flac`, []);
    }
    await writeFile(`${tracksDir}.complete`, '');
  }
  return { short: shortDir, tracks: tracksDir };
}
