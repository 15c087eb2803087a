import { createPowerSpectrum } from '../power-spectrum.js';

/** The onset-strength signal the tempo estimator works on. */
export interface OnsetEnvelope {
  /**
   * Onset strength per frame, >= 0: half-wave rectified rise of log band energy, three band
   * groups (low < 120 Hz, mid, high > 2.5 kHz) each scaled towards unit mean so that a
   * kick counts about as much as a snare. Frame t is centred on sample t * hop.
   */
  novelty: Float32Array;
  /** The same per band group (scaled as in novelty): below 120 Hz (kick, bass). */
  low: Float32Array;
  /** 120 Hz to 2.5 kHz (snare, clap, most pitched onsets). */
  mid: Float32Array;
  /** Above 2.5 kHz (hats, cymbals). */
  high: Float32Array;
  /** Frames per second (Hz): sampleRate / hop. */
  frameRate: number;
}

/** Envelope hop at the canonical 11025 Hz; other rates scale it to keep ~11.6 ms frames. */
const HOP_AT_11025 = 128;
const MIN_HZ = 30;
const MAX_HZ = 5500;
const LOW_SPLIT_HZ = 120;
const HIGH_SPLIT_HZ = 2500;
const BANDS_PER_OCTAVE = 4;
/** Energy floor, relative to a full-scale sine: -50 dB (deeper floors make a first onset out of silence outweigh the rest). */
const FLOOR = 1e-5;

/**
 * Computes the onset-strength envelope of mono PCM: a Hann STFT (~46 ms frames, ~11.6 ms hop),
 * log energy in quarter-octave bands from 30 Hz to 5.5 kHz, and its positive frame-to-frame
 * change. Gain-invariant (the input is measured against its own peak). Returns an envelope
 * novelty for input shorter than one hop; never throws for finite input.
 */
export function onsetEnvelope(samples: Float32Array, sampleRate: number): OnsetEnvelope {
  const hop = Math.max(1, Math.round((HOP_AT_11025 * sampleRate) / 11025));
  const frameRate = sampleRate / hop;
  let size = 16;
  while (size < 4 * hop) size *= 2;
  const frames = Math.floor(samples.length / hop);
  const novelty = new Float32Array(frames);
  const peak = peakOf(samples);
  const groupFlux = [
    new Float32Array(frames),
    new Float32Array(frames),
    new Float32Array(frames),
  ] as const;
  const [low, mid, high] = groupFlux;
  const envelope = { novelty, low, mid, high, frameRate };
  if (frames < 2 || peak === 0 || !Number.isFinite(peak)) return envelope;

  const windowSum = size / 2; // of the periodic Hann window createPowerSpectrum applies
  const scale = (2 / (windowSum * peak)) ** 2;
  const edges = bandEdges(size, sampleRate);
  const bands = edges.length - 1;
  const group = new Uint8Array(bands);
  for (let b = 0; b < bands; b++) {
    const hz = (((edges[b] ?? 0) + (edges[b + 1] ?? 0)) / 2) * (sampleRate / size);
    group[b] = hz < LOW_SPLIT_HZ ? 0 : hz < HIGH_SPLIT_HZ ? 1 : 2;
  }

  const spectrum = createPowerSpectrum(size);
  const frame = new Float64Array(size / 2 + 1);
  const prevDb = new Float64Array(bands).fill(10 * Math.log10(FLOOR));
  for (let t = 0; t < frames; t++) {
    spectrum.compute(samples, t * hop - size / 2, frame);
    addBandRises(frame, edges, group, groupFlux, prevDb, scale, t);
  }
  const sums = groupFlux.map((g) => g.reduce((a, v) => a + v, 0));
  const loudest = Math.max(...sums);
  if (loudest <= 0) return envelope;
  for (const [i, g] of groupFlux.entries()) {
    // A group far quieter than the others is not boosted past 4x: that would be its noise.
    const norm = frames / Math.max(sums[i] ?? 0, loudest / 4);
    scaleInto(g, norm, novelty);
  }
  return envelope;
}

// The per-sample and per-frame loops live in these module-level functions, which V8 optimises
// once and keeps from one file to the next; inside onsetEnvelope (run once per file) they would
// be recompiled on every call.

/** The largest absolute sample. */
function peakOf(samples: Float32Array): number {
  let peak = 0;
  for (const v of samples) peak = Math.max(peak, Math.abs(v));
  return peak;
}

/**
 * For frame `t`'s power spectrum: each band's log energy, and its rise over the band's last
 * value (`prevDb`, updated) added to the band's group when positive.
 */
function addBandRises(
  frame: Float64Array,
  edges: number[],
  group: Uint8Array,
  groupFlux: readonly [Float32Array, Float32Array, Float32Array],
  prevDb: Float64Array,
  scale: number,
  t: number,
): void {
  const high = groupFlux[2];
  for (let b = 0; b < prevDb.length; b++) {
    let power = 0;
    for (let k = edges[b] ?? 0; k < (edges[b + 1] ?? 0); k++) power += frame[k] ?? 0;
    const db = 10 * Math.log10(power * scale + FLOOR);
    const rise = db - (prevDb[b] ?? 0);
    prevDb[b] = db;
    if (rise > 0) {
      const g = groupFlux[group[b] ?? 0] ?? high;
      g[t] = (g[t] ?? 0) + rise;
    }
  }
}

/** g[t] *= norm, then novelty[t] += g[t], for every frame. */
function scaleInto(g: Float32Array, norm: number, novelty: Float32Array): void {
  for (let t = 0; t < g.length; t++) {
    g[t] = (g[t] ?? 0) * norm;
    novelty[t] = (novelty[t] ?? 0) + (g[t] ?? 0);
  }
}

/** FFT bin edges of quarter-octave bands (at least one bin each) from MIN_HZ to MAX_HZ. */
function bandEdges(size: number, sampleRate: number): number[] {
  const binHz = sampleRate / size;
  const top = Math.min(MAX_HZ, sampleRate / 2);
  const edges = [Math.max(1, Math.round(MIN_HZ / binHz))];
  for (
    let hz = MIN_HZ * 2 ** (1 / BANDS_PER_OCTAVE);
    hz < top * 1.0001;
    hz *= 2 ** (1 / BANDS_PER_OCTAVE)
  ) {
    const bin = Math.min(size / 2, Math.round(hz / binHz));
    if (bin > (edges[edges.length - 1] ?? 0)) edges.push(bin);
  }
  return edges;
}
