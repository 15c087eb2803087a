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
  const frames: Float64Array[] = [];
  for (let at = 0; at + FRAME <= audio.length + FRAME / 2; at += HOP) {
    const power = new Float64Array(bins);
    spectrum.compute(audio, at, power);
    frames.push(power);
  }
  const none = { pitchClasses: 0, tonalRatio: 0 };
  if (frames.length < SUSTAIN_FRAMES) return none;
  const lo = Math.ceil((MIN_HZ * FRAME) / sampleRate);
  const hi = Math.min(bins - 2 - NEIGHBOURS, Math.floor((MAX_HZ * FRAME) / sampleRate));
  const chroma = new Float64Array(12);
  let total = 0;
  let tonal = 0;
  const sustained = new Float64Array(bins);
  for (let t = 0; t + SUSTAIN_FRAMES <= frames.length; t++) {
    for (let k = Math.max(0, lo - NEIGHBOURS); k <= hi + NEIGHBOURS; k++) {
      let m = Infinity;
      for (let j = t; j < t + SUSTAIN_FRAMES; j++) m = Math.min(m, frames[j]![k]!);
      sustained[k] = m;
    }
    const now = frames[t + (SUSTAIN_FRAMES >> 1)]!;
    for (let k = lo; k <= hi; k++) total += now[k]!;
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
  }
  const strongest = Math.max(...chroma);
  if (!(strongest > 0)) return none;
  return {
    pitchClasses: chroma.filter((v) => v >= PITCH_CLASS_SHARE * strongest).length,
    tonalRatio: total > 0 ? Math.min(1, tonal / total) : 0,
  };
}
