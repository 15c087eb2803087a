import { execFileSync, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import xxhash from 'xxhash-wasm';
import { compareFingerprints } from '../analysis/index.js';
import { analyseFile } from '../node/analyse-file.js';
import { loadEssentiaOnMainThread } from '../node/essentia.js';
import {
  analyseSource,
  WHOLE_READ_MAX_BYTES,
  type AnalyseSourceDeps,
  type ByteSource,
} from './index.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

interface Label {
  path: string;
  kind: 'oneshot' | 'loop' | 'track' | null;
  bpm: number | null;
  key: string | null;
  expect_status: 'ok' | 'error' | 'skipped';
  format: string | null;
}

let labels: Map<string, Label>;
let deps: AnalyseSourceDeps;

beforeAll(async () => {
  const json = JSON.parse(await readFile(join(FIXTURES, 'labels.json'), 'utf8')) as {
    files: Label[];
  };
  labels = new Map(json.files.map((l) => [l.path, l]));
  deps = { hasher: await xxhash(), essentia: loadEssentiaOnMainThread() };
});

function label(path: string): Label {
  const found = labels.get(path);
  if (!found) throw new Error(`${path} is not in fixtures/labels.json`);
  return found;
}

/** How often each method of a source was called. */
interface Calls {
  head: number;
  whole: number;
  chunks: number;
}

/** A source over bytes in memory, as a browser File is; the path is relative to fixtures/audio. */
function memorySource(path: string, bytes: Uint8Array): { source: ByteSource; calls: Calls } {
  const calls: Calls = { head: 0, whole: 0, chunks: 0 };
  const source: ByteSource = {
    path,
    sizeBytes: bytes.length,
    head(n) {
      calls.head += 1;
      return Promise.resolve(bytes.slice(0, n));
    },
    whole() {
      calls.whole += 1;
      return Promise.resolve(bytes.slice());
    },
    async *chunks() {
      calls.chunks += 1;
      for (let at = 0; at < bytes.length; at += 100_000) {
        await Promise.resolve();
        yield bytes.slice(at, at + 100_000);
      }
    },
  };
  return { source, calls };
}

async function fixtureSource(labelPath: string) {
  const bytes = new Uint8Array(await readFile(join(FIXTURES, labelPath)));
  return memorySource(labelPath.replace(/^audio\//, ''), bytes);
}

/** What the CLI's analysis says of the same file (in-process decoders, as the browser has). */
async function cliAnalysis(labelPath: string) {
  return analyseFile(join(FIXTURES, labelPath), { ...deps, ffmpeg: false });
}

describe('analyseSource on fixtures', () => {
  it.each(['audio/loops/Loop_128bpm_F#min.wav', 'audio/loops/Bass 124 Gmaj.flac'])(
    'finds the labelled tempo and key of %s, hashing as the CLI does',
    async (path) => {
      const truth = label(path);
      const { source, calls } = await fixtureSource(path);
      const result = await analyseSource(source, deps);
      expect(result.status, result.error ?? '').toBe('ok');
      expect(result.error).toBeNull();
      expect(result.path).toBe(source.path);
      expect(result.sizeBytes).toBe(source.sizeBytes);
      expect(result.format).toBe(truth.format);
      expect(result.analysis?.kind).toBe(truth.kind);
      expect(result.analysis?.bpm).toBeGreaterThanOrEqual(truth.bpm! - 1.5);
      expect(result.analysis?.bpm).toBeLessThanOrEqual(truth.bpm! + 1.5);
      expect(result.analysis?.key).toBe(truth.key);

      const cli = await cliAnalysis(path);
      expect(result.contentHash).toMatch(/^[0-9a-f]{16}$/);
      expect(result.contentHash).toBe(cli.contentHash);
      expect(result.codec).toBe(cli.codec);
      expect(result.bitDepth).toBe(cli.bitDepth);
      expect(result.analysis?.durationS).toBeCloseTo(cli.analysis!.durationS, 6);

      // A small file is read once, whole.
      expect(calls).toEqual({ head: 0, whole: 1, chunks: 0 });

      // Its time by stage: each measured, none negative, together within the call's time.
      const started = performance.now();
      const again = await analyseSource((await fixtureSource(path)).source, deps);
      const wallMs = performance.now() - started;
      const stages = again.stageMs!;
      expect(Object.keys(stages).sort()).toEqual([
        'analyse',
        'decode',
        'fingerprint',
        'hash',
        'read',
      ]);
      for (const ms of Object.values(stages)) expect(ms).toBeGreaterThanOrEqual(0);
      expect(stages.decode).toBeGreaterThan(0);
      expect(stages.analyse).toBeGreaterThan(0);
      expect(stages.fingerprint).toBeGreaterThan(0);
      const sum = Object.values(stages).reduce((a, b) => a + b, 0);
      expect(sum).toBeLessThanOrEqual(wallMs + 1);
    },
  );

  it.each([
    ['audio/oneshots/Kick_03.wav', true],
    ['audio/oneshots/Tom Lo 32f.wav', true],
    ['audio/oneshots/Open Hat 01.flac', true],
    ['audio/oneshots/Snare Tight.aif', true],
    ['audio/oneshots/hh_closed_8bit.wav', false],
    ['audio/dupes/Kick_03.mp3', false],
    ['audio/oneshots/Pluck Harp.m4a', false],
    ['audio/oneshots/FX Riser.opus', false],
  ])('marks the fingerprint of %s lossless: %s', async (path, lossless) => {
    const result = await analyseSource((await fixtureSource(path)).source, deps);
    expect(result.status, result.error ?? '').toBe('ok');
    expect(result.analysis!.fingerprint!.lossless === true).toBe(lossless);
    expect((await cliAnalysis(path)).analysis!.fingerprint!.lossless === true).toBe(lossless);
  });

  it.each([
    ['audio/dupes/Kick_03.mp3', 'mp3'],
    ['audio/oneshots/Pluck Harp.m4a', 'aac'],
    ['audio/oneshots/FX Riser.opus', 'opus'],
    ['audio/dupes/Loop_128bpm_F#min.ogg', 'vorbis'],
    ['audio/oneshots/Kick_03.wav', undefined],
  ])('records the lossy codec of %s: %s', async (path, lossy) => {
    const result = await analyseSource((await fixtureSource(path)).source, deps);
    expect(result.status, result.error ?? '').toBe('ok');
    expect(result.analysis!.fingerprint!.lossy).toBe(lossy);
    expect((await cliAnalysis(path)).analysis!.fingerprint!.lossy).toBe(lossy);
  });

  it('still takes lossless copies of a kick (48 kHz, 96 kHz, hotter, longer tail) for copies', async () => {
    const fingerprint = async (path: string) => {
      const fp = (await analyseSource((await fixtureSource(path)).source, deps)).analysis!
        .fingerprint!;
      expect(fp.lossless, path).toBe(true);
      return fp;
    };
    const original = await fingerprint('audio/oneshots/Kick_03.wav');
    for (const copy of [
      'Kick 03 (48k).wav',
      'Kick_03_96k.wav',
      'Kick_03_hot.wav',
      'Kick_03_tail.wav',
    ]) {
      const verdict = compareFingerprints(original, await fingerprint(`audio/dupes/${copy}`));
      expect(verdict.verdict, copy).toBe('same');
    }
  });

  it('finds a one-shot without tempo or key', async () => {
    const path = 'audio/oneshots/Kick_03.wav';
    expect(label(path)).toMatchObject({ kind: 'oneshot', bpm: null, key: null });
    const { source } = await fixtureSource(path);
    const result = await analyseSource(source, deps);
    expect(result.status).toBe('ok');
    expect(result.analysis).toMatchObject({
      kind: 'oneshot',
      bpm: null,
      bpmConfidence: 0,
      key: null,
      camelot: null,
    });
    expect(result.analysis!.durationS).toBeGreaterThan(0.1);
    expect(result.analysis!.durationS).toBeLessThan(1);
    expect(result.contentHash).toBe((await cliAnalysis(path)).contentHash);
  });

  it.each([
    ['audio/bad/truncated.flac', 'flac'],
    ['audio/bad/header_lies.wav', 'wav'],
  ])('reports %s as an error with a reason a person can read', async (path, format) => {
    expect(label(path).expect_status).toBe('error');
    const { source } = await fixtureSource(path);
    const result = await analyseSource(source, deps);
    expect(result.status).toBe('error');
    expect(result.analysis).toBeNull();
    expect(result.format).toBe(format);
    expect(result.error).toMatch(
      /^truncated: the header declares [\d.]+ s of audio but the file holds [\d.]+ s/,
    );
    const cli = await cliAnalysis(path);
    expect(result.error).toBe(cli.error);
    expect(result.contentHash).toBe(cli.contentHash);
  });

  it('skips a text file as not audio, still hashing it', async () => {
    const path = 'audio/bad/readme.txt';
    expect(label(path).expect_status).toBe('skipped');
    const { source } = await fixtureSource(path);
    const result = await analyseSource(source, deps);
    expect(result).toMatchObject({
      status: 'skipped',
      format: null,
      analysis: null,
      sizeBytes: source.sizeBytes,
    });
    expect(result.error).toMatch(/^not audio/);
    expect(result.contentHash).toBe((await cliAnalysis(path)).contentHash);
  });

  it('skips a picture named .mp3', async () => {
    const { source } = await fixtureSource('audio/bad/cover.mp3');
    const result = await analyseSource(source, deps);
    expect(result.status).toBe('skipped');
    expect(result.error).toContain('PNG');
  });

  it('reports a zero-byte audio file as an error and a zero-byte other file as skipped, reading neither', async () => {
    const empty = await readFile(join(FIXTURES, 'audio/bad/empty.wav'));
    expect(empty.length).toBe(0);
    const audio = memorySource('bad/empty.wav', new Uint8Array(empty));
    expect(await analyseSource(audio.source, deps)).toMatchObject({
      status: 'error',
      error: 'empty file (0 bytes)',
      sizeBytes: 0,
      contentHash: null,
    });
    const text = memorySource('notes.txt', new Uint8Array(0));
    expect(await analyseSource(text.source, deps)).toMatchObject({
      status: 'skipped',
      error: 'empty file (0 bytes)',
    });
    expect(audio.calls).toEqual({ head: 0, whole: 0, chunks: 0 });
    expect(text.calls).toEqual({ head: 0, whole: 0, chunks: 0 });
  });

  it('answers a file it cannot read with an error instead of throwing', async () => {
    const moved = () => new Error('NotFoundError: the file was moved');
    const source: ByteSource = {
      path: 'gone.wav',
      sizeBytes: 1000,
      head: () => Promise.reject(moved()),
      whole: () => Promise.reject(moved()),
      chunks: () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(moved()) }),
      }),
    };
    const result = await analyseSource(source, deps);
    expect(result).toMatchObject({ status: 'error', sizeBytes: 1000, contentHash: null });
    expect(result.error).toContain('the file was moved');
  });
});

describe('analyseSource with a second decoder', () => {
  const odd = join(tmpdir(), `sm-adpcm-${process.pid}.wav`);
  beforeAll(() => {
    // Microsoft ADPCM: a WAV the in-process decoders refuse (format tag 0x2) and ffmpeg reads.
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=2',
      '-c:a',
      'adpcm_ms',
      odd,
    ]);
  });
  afterAll(() => rm(odd, { force: true }));

  /** What the browser's ffmpeg.wasm does, done here by native ffmpeg. */
  const nativeTranscode = (bytes: Uint8Array): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const child = spawn('ffmpeg', [
        '-v',
        'error',
        '-i',
        'pipe:0',
        '-c:a',
        'pcm_f32le',
        '-f',
        'wav',
        'pipe:1',
      ]);
      const out: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg exited ${code}`)),
      );
      child.stdin.end(bytes);
    });

  it("analyses what the in-process decoders cannot read through it, keeping the file's hash", async () => {
    const bytes = new Uint8Array(await readFile(odd));
    const { source } = memorySource('Odd/adpcm.wav', bytes);
    const without = await analyseSource(source, deps);
    expect(without.status).toBe('error');
    expect(without.error).toMatch(/format tag 0x2/);
    const result = await analyseSource(source, { ...deps, transcodeToWav: nativeTranscode });
    expect(result.status, result.error ?? '').toBe('ok');
    expect(result.contentHash).toBe(without.contentHash);
    expect(result.codec).toBe('ffmpeg');
    expect(result.analysis?.durationS).toBeGreaterThan(1.95);
    expect(result.analysis?.durationS).toBeLessThan(2.1);
    expect(result.analysis?.kind).toBe('oneshot');
  });

  it('gives both reasons when the second decoder fails too', async () => {
    const bytes = new Uint8Array(await readFile(odd));
    const { source } = memorySource('Odd/adpcm.wav', bytes);
    const result = await analyseSource(source, {
      ...deps,
      transcodeToWav: () => Promise.reject(new Error('Invalid data found when processing input')),
    });
    expect(result.status).toBe('error');
    expect(result.error).toMatch(/format tag 0x2.*ffmpeg could not read it either: Invalid data/);
  });
});

describe('analyseSource on a file larger than WHOLE_READ_MAX_BYTES', () => {
  const RATE = 48_000;
  const CHANNELS = 2;
  const BYTES_PER_SAMPLE = 3;
  const TONE_S = 3;
  const TOTAL_S = 240; // 240 s × 288 000 B/s ≈ 69 MB
  const FRAME_BYTES = CHANNELS * BYTES_PER_SAMPLE;
  const FRAMES = RATE * TOTAL_S;
  const DATA_BYTES = FRAMES * FRAME_BYTES;
  const file = join(tmpdir(), `analyse-source-${process.pid}-${Date.now()}.wav`);
  let expectedHash = '';

  function header(): Uint8Array {
    const h = new Uint8Array(44);
    const view = new DataView(h.buffer);
    const ascii = (at: number, text: string) => {
      for (let i = 0; i < text.length; i++) h[at + i] = text.charCodeAt(i);
    };
    ascii(0, 'RIFF');
    view.setUint32(4, 36 + DATA_BYTES, true);
    ascii(8, 'WAVE');
    ascii(12, 'fmt ');
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true); // PCM
    view.setUint16(22, CHANNELS, true);
    view.setUint32(24, RATE, true);
    view.setUint32(28, RATE * FRAME_BYTES, true);
    view.setUint16(32, FRAME_BYTES, true);
    view.setUint16(34, BYTES_PER_SAMPLE * 8, true);
    ascii(36, 'data');
    view.setUint32(40, DATA_BYTES, true);
    return h;
  }

  /** One second of 24-bit stereo: a 440 Hz sine at half scale during the first seconds, then silence. */
  function second(index: number): Uint8Array {
    const out = new Uint8Array(RATE * FRAME_BYTES);
    if (index >= TONE_S) return out;
    for (let i = 0; i < RATE; i++) {
      const t = index + i / RATE;
      const value = Math.round(0.5 * Math.sin(2 * Math.PI * 440 * t) * 0x7fffff);
      for (let c = 0; c < CHANNELS; c++) {
        const at = i * FRAME_BYTES + c * BYTES_PER_SAMPLE;
        out[at] = value & 0xff;
        out[at + 1] = (value >> 8) & 0xff;
        out[at + 2] = (value >> 16) & 0xff;
      }
    }
    return out;
  }

  beforeAll(async () => {
    const hash = (await xxhash()).create64();
    const handle = await open(file, 'w');
    try {
      const h = header();
      hash.update(h);
      await handle.write(h);
      for (let s = 0; s < TOTAL_S; s++) {
        const block = second(s);
        hash.update(block);
        await handle.write(block);
      }
    } finally {
      await handle.close();
    }
    expectedHash = hash.digest().toString(16).padStart(16, '0');
  });

  afterAll(async () => {
    await rm(file, { force: true });
  });

  it('streams it through chunks(), never asking for the whole file', async () => {
    const sizeBytes = 44 + DATA_BYTES;
    expect(sizeBytes).toBeGreaterThan(WHOLE_READ_MAX_BYTES);
    const calls: Calls = { head: 0, whole: 0, chunks: 0 };
    const source: ByteSource = {
      path: 'Bounces/long tone.wav',
      sizeBytes,
      async head(n) {
        calls.head += 1;
        const handle = await open(file, 'r');
        try {
          const out = new Uint8Array(n);
          const { bytesRead } = await handle.read(out, 0, n, 0);
          return out.subarray(0, bytesRead);
        } finally {
          await handle.close();
        }
      },
      whole() {
        calls.whole += 1;
        return Promise.reject(new Error('whole() must not be called for a file this large'));
      },
      async *chunks() {
        calls.chunks += 1;
        for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
          yield new Uint8Array(chunk as Buffer);
        }
      },
    };

    const result = await analyseSource(source, deps);
    expect(result.status, result.error ?? '').toBe('ok');
    expect(calls.whole).toBe(0);
    expect(calls.chunks).toBe(1);
    expect(calls.head).toBe(1);
    expect(result).toMatchObject({ format: 'wav', codec: 'pcm_s24le', bitDepth: 24, sizeBytes });
    expect(result.contentHash).toBe(expectedHash);
    expect(result.analysis?.durationS).toBeCloseTo(TOTAL_S, 3);
    expect(result.analysis?.sampleRate).toBe(RATE);
    expect(result.analysis?.channels).toBe(CHANNELS);
    expect(result.analysis?.peakDbfs).toBeCloseTo(20 * Math.log10(0.5), 1);
    expect(result.analysis?.kind).toBe('track');
    // Streamed, reading and hashing happen inside decoding's span: they are counted once each.
    const stages = result.stageMs!;
    for (const ms of Object.values(stages)) expect(ms).toBeGreaterThanOrEqual(0);
    expect(stages.read).toBeGreaterThan(0);
    expect(stages.hash).toBeGreaterThan(0);
    expect(stages.decode).toBeGreaterThan(0);
  });
});
