import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import xxhash from 'xxhash-wasm';
import { compareFingerprints, type Fingerprint } from '../analysis/index.js';
import { analyseFile } from '../node/analyse-file.js';
import { loadEssentiaOnMainThread } from '../node/essentia.js';
import { sourceNoiseRms } from './analysed-file.js';

const ONESHOTS = join(import.meta.dirname, '../../fixtures/audio/oneshots');

/**
 * Each one-shot fixture's fingerprint, that of its 8-bit copy written by ffmpeg, and that of
 * the 8-bit copy written back to 16 bits (its noise is now in a 16-bit file).
 */
const pairs: { name: string; source: Fingerprint; coarse: Fingerprint; widened: Fingerprint }[] =
  [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sm-coarse-'));
  const deps = { hasher: await xxhash(), essentia: loadEssentiaOnMainThread(), ffmpeg: false };
  const names = (await readdir(ONESHOTS)).filter((n) => !n.includes('8bit'));
  for (const [i, name] of names.entries()) {
    const copy = join(dir, `copy ${i}.wav`);
    // ffmpeg truncates to 8 bits: a decay under one step reads 0 and -1 step.
    const wide = join(dir, `wide ${i}.wav`);
    execFileSync('ffmpeg', ['-v', 'error', '-i', join(ONESHOTS, name), '-c:a', 'pcm_u8', copy]);
    execFileSync('ffmpeg', ['-v', 'error', '-i', copy, '-c:a', 'pcm_s16le', wide]);
    const [source, coarse, widened] = await Promise.all(
      [join(ONESHOTS, name), copy, wide].map(async (path) => {
        const fingerprint = (await analyseFile(path, deps)).analysis?.fingerprint;
        if (!fingerprint) throw new Error(`${path} (from ${name}) has no fingerprint`);
        return fingerprint;
      }),
    );
    pairs.push({ name, source: source!, coarse: coarse!, widened: widened! });
  }
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an 8-bit copy', () => {
  it('carries the level of its quantisation noise, and only it does', () => {
    expect(sourceNoiseRms({ codec: 'pcm_u8', bitDepth: 8 })).toBeCloseTo(2 / 256 / Math.sqrt(3));
    expect(sourceNoiseRms({ codec: 'pcm_s16le', bitDepth: 16 })).toBeNull();
    expect(sourceNoiseRms({ codec: 'flac', bitDepth: 24 })).toBeNull();
    expect(sourceNoiseRms({ codec: 'mp3', bitDepth: null })).toBeNull();
    for (const { source, coarse } of pairs) {
      expect(coarse.noise?.matrixDb).toBeLessThan(0);
      expect(coarse.noise?.profileDb).toBeLessThan(0);
      expect(coarse.noise?.levelDb).toBeLessThan(0);
      expect(source.noise).toBeUndefined();
    }
  });

  it('is the same sound as its source for most one-shots (9 of 14 before it carried its noise)', () => {
    const verdicts = pairs.map(({ source, coarse }) => compareFingerprints(source, coarse).verdict);
    expect(pairs.length).toBeGreaterThanOrEqual(12);
    expect(verdicts.filter((v) => v === 'same').length).toBeGreaterThanOrEqual(
      Math.ceil(pairs.length * 0.85),
    );
  });

  it('stays a copy of itself written back at 16 bits, where its noise is no longer declared', () => {
    for (const { name, coarse, widened } of pairs) {
      expect(widened.noise, name).toBeUndefined();
      expect(compareFingerprints(coarse, widened).verdict, name).toBe('same');
    }
  });

  it('of a quiet hit, whose noise hides where it ends, is never the same as a cut of it, and a drum copy is linked to it', async () => {
    const deps = { hasher: await xxhash(), essentia: loadEssentiaOnMainThread(), ffmpeg: false };
    for (const name of ['Snare Tight.aif', 'Kick_03.wav', 'Stab F#.wav']) {
      const quiet = join(dir, `quiet ${name}.wav`);
      const coarse = join(dir, `quiet 8-bit ${name}.wav`);
      const cut = join(dir, `quiet cut ${name}.wav`);
      const source = join(ONESHOTS, name);
      const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', ...args]);
      ffmpeg(['-i', source, '-af', 'volume=-24dB', '-c:a', 'pcm_s16le', quiet]);
      ffmpeg(['-i', quiet, '-c:a', 'pcm_u8', coarse]);
      const length = Number(
        execFileSync('ffprobe', [
          '-v',
          'error',
          '-show_entries',
          'format=duration',
          '-of',
          'csv=p=0',
          quiet,
        ]),
      );
      ffmpeg([
        '-i',
        quiet,
        '-af',
        `atrim=0:${(length * 0.75).toFixed(3)}`,
        '-c:a',
        'pcm_s16le',
        cut,
      ]);
      const [q, c, t] = await Promise.all(
        [quiet, coarse, cut].map(
          async (path) => (await analyseFile(path, deps)).analysis!.fingerprint!,
        ),
      );
      expect(c!.noise!.levelDb, name).toBeGreaterThan(-42); // the noise reaches the trim's level
      expect(compareFingerprints(t!, c!).verdict, name).not.toBe('same');
      // A stab at -24 dB in 8 bits is mostly noise: only the drums' copies are linked.
      if (name !== 'Stab F#.wav') expect(compareFingerprints(q!, c!).verdict, name).toBe('similar');
    }
  });

  it('is never taken for another one-shot', () => {
    for (const { name, coarse } of pairs) {
      for (const other of pairs) {
        if (other.name === name) continue;
        expect(
          compareFingerprints(other.source, coarse).verdict,
          `${name} ~ ${other.name}`,
        ).not.toBe('same');
      }
    }
  });
});
