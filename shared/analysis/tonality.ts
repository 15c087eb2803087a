import { createPowerSpectrum } from './power-spectrum.js';

/** How much of a sound is sustained pitch, and how many pitch classes it spans. */
export interface Tonality {
  /** Pitch classes (of 12) holding at least a third of the strongest one's sustained energy. */
  pitchClasses: number;
  /** Share (0..1) of the 55-2000 Hz energy that sits in sustained spectral peaks. */
  tonalRatio: number;
}

const FRAME = 2048;
const HOP = 512;
/** Consecutive frames a partial must last to count as sustained (~0.23 s at 11025 Hz). */
const SUSTAIN_FRAMES = 5;
const MIN_HZ = 55;
const MAX_HZ = 2000;
/** A peak stands this far above the mean of its neighbourhood (±NEIGHBOURS bins) to count. */
const PROMINENCE = 4;
const NEIGHBOURS = 12;
/** Pitch classes within 10 dB of the strongest one are counted. */
const PITCH_CLASS_SHARE = 0.1;
/** Tonality is read from at most this many seconds from the middle of the material. */
const WINDOW_S = 30;

/**
 * Measures tonality from a power spectrogram (2048-point frames, 512 hop). Only partials that
 * last SUSTAIN_FRAMES frames count (a running minimum over time), so drum transients and pitch
 * sweeps fall away; of those, peaks standing well above their spectral neighbourhood are
 * folded to pitch classes by their power. Material shorter than that span has no sustained
 * pitch at all. Pure; one FFT per 46 ms of audio, over 30 s at most.
 */
export function measureTonality(samples: Float32Array, sampleRate: number): Tonality {
  const span = Math.round(WINDOW_S * sampleRate);
  const start = Math.max(0, Math.floor((samples.length - span) / 2));
  const audio = samples.subarray(start, start + span);
  const spectrum = createPowerSpectrum(FRAME);
  const bins = FRAME / 2 + 1;
  // Frames start at 0, HOP, … while at + FRAME <= audio.length + FRAME / 2.
  const frameCount = Math.max(0, Math.floor((audio.length - FRAME / 2) / HOP) + 1);
  const none = { pitchClasses: 0, tonalRatio: 0 };
  if (frameCount < SUSTAIN_FRAMES) return none;
  // Only the last SUSTAIN_FRAMES spectra are needed at a time: frame j lives in
  // ring[j % SUSTAIN_FRAMES], computed just before its first use.
  const ring = Array.from({ length: SUSTAIN_FRAMES }, () => new Float64Array(bins));
  for (let j = 0; j < SUSTAIN_FRAMES - 1; j++) spectrum.compute(audio, j * HOP, ring[j]!);
  const lo = Math.ceil((MIN_HZ * FRAME) / sampleRate);
  const hi = Math.min(bins - 2 - NEIGHBOURS, Math.floor((MAX_HZ * FRAME) / sampleRate));
  const chroma = new Float64Array(12);
  const sums = new Float64Array(2); // [total, tonal]
  const sustained = new Float64Array(bins);
  const recent: Float64Array[] = []; // frames t..t + SUSTAIN_FRAMES - 1, oldest first
  for (let t = 0; t + SUSTAIN_FRAMES <= frameCount; t++) {
    const last = t + SUSTAIN_FRAMES - 1;
    spectrum.compute(audio, last * HOP, ring[last % SUSTAIN_FRAMES]!);
    for (let i = 0; i < SUSTAIN_FRAMES; i++) recent[i] = ring[(t + i) % SUSTAIN_FRAMES]!;
    sustainedMinimum(recent, sustained, Math.max(0, lo - NEIGHBOURS), hi + NEIGHBOURS);
    const now = ring[(t + (SUSTAIN_FRAMES >> 1)) % SUSTAIN_FRAMES]!;
    foldPeaks(now, sustained, lo, hi, sampleRate, chroma, sums);
  }
  const [total = 0, tonal = 0] = sums;
  const strongest = Math.max(...chroma);
  if (!(strongest > 0)) return none;
  return {
    pitchClasses: chroma.filter((v) => v >= PITCH_CLASS_SHARE * strongest).length,
    tonalRatio: total > 0 ? Math.min(1, tonal / total) : 0,
  };
}

// The per-frame work lives in these module-level functions, which V8 optimises once and keeps
// from one file to the next; inside measureTonality (run once per file) it would be recompiled
// on every call.

/** sustained[k] = the minimum of frames[·][k] over every frame, for k in from..to. */
function sustainedMinimum(
  frames: Float64Array[],
  sustained: Float64Array,
  from: number,
  to: number,
): void {
  for (let k = from; k <= to; k++) {
    let m = Infinity;
    for (const frame of frames) m = Math.min(m, frame[k]!);
    sustained[k] = m;
  }
}

/**
 * Adds the 55-2000 Hz energy of `now` to sums[0], and the energy of the prominent sustained
 * peaks (bins lo..hi) to sums[1] and to their pitch classes in `chroma`.
 */
function foldPeaks(
  now: Float64Array,
  sustained: Float64Array,
  lo: number,
  hi: number,
  sampleRate: number,
  chroma: Float64Array,
  sums: Float64Array,
): void {
  let total = sums[0]!;
  for (let k = lo; k <= hi; k++) total += now[k]!;
  sums[0] = total;
  let tonal = sums[1]!;
  for (let k = lo; k <= hi; k++) {
    const v = sustained[k]!;
    if (v <= sustained[k - 1]! || v < sustained[k + 1]!) continue;
    let around = 0;
    for (let j = k - NEIGHBOURS; j <= k + NEIGHBOURS; j++) around += sustained[j]!;
    if (v < (PROMINENCE * around) / (2 * NEIGHBOURS + 1)) continue;
    const energy = v + sustained[k - 1]! + sustained[k + 1]!;
    tonal += energy;
    const a = Math.log(sustained[k - 1]! + 1e-20);
    const b = Math.log(v + 1e-20);
    const c = Math.log(sustained[k + 1]! + 1e-20);
    const offset = a - 2 * b + c === 0 ? 0 : (0.5 * (a - c)) / (a - 2 * b + c);
    const hz = ((k + offset) * sampleRate) / FRAME;
    const pitchClass = (((Math.round(12 * Math.log2(hz / 440)) + 9) % 12) + 12) % 12;
    chroma[pitchClass]! += energy;
  }
  sums[1] = tonal;
}
