import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FIXTURES as AUDIO } from '../../testing/paths.js';

/** fixtures/: its labels.json and, under audio/, the files they describe. */
const FIXTURES = dirname(AUDIO);

/** One entry of fixtures/labels.json (see fixtures/README.md). */
export interface Label {
  /** Relative to fixtures/, e.g. `audio/loops/Loop_128bpm_F#min.wav`. */
  path: string;
  kind: 'oneshot' | 'loop' | 'track' | null;
  bpm: number | null;
  key: string | null;
  /** Files of one group are the same sound. */
  group: string;
  relation: 'original' | 'duplicate' | 'near_miss';
  variant_of: string | null;
  /** The tempo the file's name or tags give, right or wrong. */
  hint_bpm: number | null;
  expect_status: 'ok' | 'error' | 'skipped';
}

let cache: Map<string, Label> | null = null;

/** The label of a fixture, by its path under fixtures/audio/. */
export async function labelOf(audioPath: string): Promise<Label> {
  if (!cache) {
    const json = JSON.parse(await readFile(join(FIXTURES, 'labels.json'), 'utf8')) as {
      files: Label[];
    };
    cache = new Map(json.files.map((l) => [l.path, l]));
  }
  const label = cache.get(`audio/${audioPath}`);
  if (!label) throw new Error(`fixtures/labels.json has no entry for audio/${audioPath}`);
  return label;
}

/** A fixture copied into a test folder: its path as the web app names it, and its label. */
export interface PlacedFixture {
  /** `ROOT/sub/name.ext`: the picked folder's name, then the path inside it. */
  appPath: string;
  label: Label;
}

/**
 * Copies fixtures (paths under fixtures/audio/, sub-folders kept) into `parent/rootName` and
 * returns the folder to pick and where each file appears in the app.
 */
export async function placeFixtures(
  parent: string,
  rootName: string,
  audioPaths: readonly string[],
): Promise<{ folder: string; files: PlacedFixture[] }> {
  const folder = join(parent, rootName);
  const files: PlacedFixture[] = [];
  for (const audioPath of audioPaths) {
    const target = join(folder, audioPath);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(FIXTURES, 'audio', audioPath), target);
    files.push({ appPath: `${rootName}/${audioPath}`, label: await labelOf(audioPath) });
  }
  return { folder, files };
}

/** A small seeded PRNG (mulberry32), so generated audio is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 16-bit PCM mono WAV of `durationS` seconds: a melody of sine notes (pitches and lengths
 * from `seed`), so that files of different seeds are different sounds, not duplicates.
 */
export function melodyWav(seed: number, durationS: number, sampleRate = 44_100): Buffer {
  const random = prng(seed);
  const frames = Math.round(durationS * sampleRate);
  const pcm = Buffer.alloc(frames * 2);
  let i = 0;
  while (i < frames) {
    const midi = 48 + Math.floor(random() * 30);
    const hz = 440 * 2 ** ((midi - 69) / 12);
    const length = Math.min(frames - i, Math.round((0.15 + random() * 0.5) * sampleRate));
    for (let n = 0; n < length; n++) {
      const envelope = Math.min(1, n / 200) * Math.min(1, (length - n) / 200);
      const value = 0.5 * envelope * Math.sin((2 * Math.PI * hz * n) / sampleRate);
      pcm.writeInt16LE(Math.round(value * 32767), (i + n) * 2);
    }
    i += length;
  }
  return Buffer.concat([wavHeader(pcm.length, sampleRate, 1, 16), pcm]);
}

/** A synthesised note: the same options give the same bytes on every run. */
export interface NoteOptions {
  /** Fundamental in Hz; five harmonics above it, each 1/k as loud. */
  hz: number;
  /** Time constant of the fundamental's exponential decay, in s (harmonic k: decayS / √k). */
  decayS: number;
  /** Length in s: a 5 ms attack, the decay, a 30 ms fade at the end. */
  lengthS: number;
  sampleRate?: number;
  bits?: 16 | 24;
  gainDb?: number;
}

/**
 * A mono PCM WAV of one tonal note. The same note at another rate, depth or gain is a copy
 * (the same sound); another `decayS` is another take of it, close or distinct depending on how
 * far the decays are apart.
 */
export function noteWav(note: NoteOptions): Buffer {
  const { hz, decayS, lengthS, sampleRate = 44_100, bits = 16, gainDb = 0 } = note;
  const bytes = bits / 8;
  const frames = Math.round(lengthS * sampleRate);
  const attack = 0.005 * sampleRate;
  const fade = 0.03 * sampleRate;
  const gain = (0.4 * 10 ** (gainDb / 20)) / 1.5;
  const full = bits === 16 ? 32767 : 8388607;
  const pcm = Buffer.alloc(frames * bytes);
  for (let i = 0; i < frames; i++) {
    const t = i / sampleRate;
    let value = 0;
    for (let k = 1; k <= 6; k++) {
      value += (Math.sin(2 * Math.PI * hz * k * t) / k) * Math.exp((-t * Math.sqrt(k)) / decayS);
    }
    const envelope = Math.min(1, i / attack) * Math.min(1, (frames - i) / fade);
    pcm.writeIntLE(Math.round(gain * envelope * value * full), i * bytes, bytes);
  }
  return Buffer.concat([wavHeader(pcm.length, sampleRate, 1, bits), pcm]);
}

/** The 44-byte RIFF/WAVE header of PCM data of `dataBytes` bytes. */
export function wavHeader(
  dataBytes: number,
  sampleRate: number,
  channels: number,
  bits: number,
): Buffer {
  const header = Buffer.alloc(44);
  const blockAlign = (channels * bits) / 8;
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** Writes `count` distinct melody WAVs of `durationS` s into `folder`; returns their names. */
export async function writeMelodies(
  folder: string,
  count: number,
  durationS: number,
): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const names: string[] = [];
  for (let n = 1; n <= count; n++) {
    const name = `Melody ${String(n).padStart(2, '0')}.wav`;
    await writeFile(join(folder, name), melodyWav(1000 + n, durationS));
    names.push(name);
  }
  return names;
}
