/**
 * Synthetic library files for the server benchmark: short, distinct sounds (tonal hits, filtered
 * noise bursts, mixes of both) as 16-bit mono WAV at ANALYSIS_SAMPLE_RATE, with the content hash
 * and fingerprint sm-import would send for them.
 */
import type { XXHashAPI } from 'xxhash-wasm';
import {
  ANALYSIS_SAMPLE_RATE,
  computeFingerprint,
  createPcmAccumulator,
} from '../shared/analysis/index.js';
import type { Fingerprint } from '../shared/analysis/index.js';
import { mulberry32 } from '../shared/analysis/prng.js';
import type { ManifestEntry } from '../shared/schemas/index.js';

export interface SyntheticSound {
  seed: number;
  /** The WAV file's bytes. */
  wav: Buffer;
  contentHash: string;
  fingerprint: Fingerprint;
  durationS: number;
}

const MIN_S = 0.1;
const MAX_S = 1.2;

/** xxh64 of the bytes as 16 lowercase hex digits, as sm-import computes it. */
export function contentHash(hasher: XXHashAPI, bytes: Uint8Array): string {
  return hasher.h64Raw(bytes).toString(16).padStart(16, '0');
}

/** A sound unlike the others: its duration, pitch, timbre and envelope all follow `seed`. */
function synthesise(seed: number): Float32Array {
  const rnd = mulberry32(Math.imul(seed + 1, 0x9e3779b1) ^ 0x5bd1e995);
  const rate = ANALYSIS_SAMPLE_RATE;
  const seconds = MIN_S * (MAX_S / MIN_S) ** rnd();
  const out = new Float32Array(Math.round(seconds * rate));
  const attack = Math.max(1, Math.round(rate * 0.02 * rnd()));
  const decay = (0.5 + 6 * rnd()) / seconds;
  const tonal = rnd();
  // Tonal part: a fundamental from 40 Hz to 2.5 kHz with up to 8 random partials, some
  // inharmonic, each with its own decay and an optional pitch drop.
  const f0 = 40 * 2 ** (6 * rnd());
  const partials = Array.from({ length: 1 + Math.floor(8 * rnd()) }, (_, i) => ({
    ratio: (i + 1) * (rnd() < 0.3 ? 1 + 0.2 * (rnd() - 0.5) : 1),
    amp: rnd() / (i + 1),
    decay: decay * (0.5 + 2 * rnd()),
    phase: 2 * Math.PI * rnd(),
  }));
  const drop = rnd() < 0.4 ? 1 + 3 * rnd() : 0;
  const dropRate = 10 + 60 * rnd();
  // Noise part: white noise through a two-pole band-pass of random centre and width.
  const centre = 100 * 2 ** (5.5 * rnd());
  const r = 0.8 + 0.19 * rnd();
  const theta = (2 * Math.PI * Math.min(centre, rate / 2.2)) / rate;
  const a1 = 2 * r * Math.cos(theta);
  const a2 = -r * r;
  const noiseDecay = decay * (0.5 + 4 * rnd());
  let y1 = 0;
  let y2 = 0;
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    const env = Math.min(1, i / attack);
    const freq = f0 * (1 + drop * Math.exp(-t * dropRate));
    phase += (2 * Math.PI * freq) / rate;
    let tone = 0;
    for (const p of partials) {
      if (freq * p.ratio < rate / 2) {
        tone += p.amp * Math.sin(phase * p.ratio + p.phase) * Math.exp(-t * p.decay);
      }
    }
    const y = (rnd() * 2 - 1) * (1 - r) + a1 * y1 + a2 * y2;
    y2 = y1;
    y1 = y;
    const noise = y * Math.exp(-t * noiseDecay);
    out[i] = env * (tonal * tone + (1 - tonal) * 4 * noise);
  }
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  const gain = 10 ** (-(1 + 11 * rnd()) / 20) / (peak || 1);
  for (let i = 0; i < out.length; i++) out[i]! *= gain;
  return out;
}

/** 16-bit mono PCM WAV of `samples`, and the samples as the file holds them (quantised). */
export function encodeWav16(
  samples: Float32Array,
  rate: number,
): { wav: Buffer; pcm: Float32Array } {
  const wav = Buffer.alloc(44 + samples.length * 2);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples.length * 2, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples.length * 2, 40);
  const pcm = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const q = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32767)));
    wav.writeInt16LE(q, 44 + i * 2);
    pcm[i] = q / 32768;
  }
  return { wav, pcm };
}

function fromSamples(hasher: XXHashAPI, seed: number, samples: Float32Array): SyntheticSound {
  const { wav, pcm } = encodeWav16(samples, ANALYSIS_SAMPLE_RATE);
  // Through the decoders' own accumulator, as sm-import analyses the file: its canonical PCM
  // and the detail excerpt at the file's rate, without which a short sound is never a certain
  // copy (the same-sound items would be answered as new).
  const accumulator = createPcmAccumulator(ANALYSIS_SAMPLE_RATE, 1);
  accumulator.push([pcm]);
  const { canonical } = accumulator.finish();
  const fingerprint = computeFingerprint(canonical.samples, canonical.sampleRate, canonical.detail);
  if (!fingerprint) throw new Error(`synthetic sound ${seed} is silent`);
  return {
    seed,
    wav,
    contentHash: contentHash(hasher, wav),
    fingerprint,
    durationS: samples.length / ANALYSIS_SAMPLE_RATE,
  };
}

/** The sound of `seed`. */
export function syntheticSound(hasher: XXHashAPI, seed: number): SyntheticSound {
  return fromSamples(hasher, seed, synthesise(seed));
}

/**
 * The same sound as `syntheticSound(seed)` in other bytes: 4.5 dB quieter, after 30 ms of
 * added silence (what a re-export of a library file looks like to the server).
 */
export function variantSound(hasher: XXHashAPI, seed: number): SyntheticSound {
  const original = synthesise(seed);
  const pad = Math.round(0.03 * ANALYSIS_SAMPLE_RATE);
  const out = new Float32Array(original.length + pad);
  const gain = 10 ** (-4.5 / 20);
  for (let i = 0; i < original.length; i++) out[pad + i] = original[i]! * gain;
  return fromSamples(hasher, seed, out);
}

/** The manifest entry sm-import would send for the sound. */
export function manifestEntryOf(sound: SyntheticSound, path: string): ManifestEntry {
  return {
    status: 'ok',
    path,
    content_hash: sound.contentHash,
    size_bytes: sound.wav.length,
    kind: 'oneshot',
    duration_s: Math.round(sound.durationS * 1000) / 1000,
    sample_rate: ANALYSIS_SAMPLE_RATE,
    channels: 1,
    format: 'wav',
    fingerprint: sound.fingerprint,
  };
}
