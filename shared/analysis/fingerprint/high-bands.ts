import type { DetailPcm } from '../detail-window.js';
import {
  addBandPowers,
  bandOfBins,
  createPowerSpectrum,
  nearestPowerOfTwo,
} from '../power-spectrum.js';

/** What a sound holds above the matrix's 4.8 kHz ceiling (Fingerprint.high). */
export interface HighBands {
  /**
   * Energy of each of HIGH_BAND_EDGES_HZ's bands over the sound, in dB relative to its energy
   * from 30 to 4800 Hz, in 0.5 dB steps, within [HIGH_FLOOR_DB, HIGH_CEILING_DB]. A band above
   * the source's Nyquist frequency reads the floor: the file holds nothing there.
   */
  bandsDb: number[];
  /** ms from the loudest frame above 4.8 kHz until that energy stays 20 dB under it. */
  decayMs: number;
}

/** Hz: the body band (30-4800, the matrix's range), then the four high bands above it. */
export const HIGH_BAND_EDGES_HZ = [30, 4800, 6700, 9500, 13400, 19000] as const;
export const HIGH_BANDS = HIGH_BAND_EDGES_HZ.length - 2;
/** Band levels are clamped to this range (dB relative to the body). */
export const HIGH_FLOOR_DB = -60;
export const HIGH_CEILING_DB = 40;
/** Frames this far under the loudest frame are left out (the matrix's -40 dB). */
const ACTIVE_POWER = 1e-4;
/** The decay ends where the high bands stay this far (power ratio) under their peak: -20 dB. */
const DECAY_POWER = 1e-2;
/** Analysis frame length, about 23 ms (1024 samples at 44.1 kHz), half overlapping. */
const FRAME_S = 0.0232;
/**
 * At most this much of the sound is read: enough for the high bands' balance and their decay
 * (a longer one reads as lasting this long), and it bounds the cost for long sounds.
 */
export const HIGH_MAX_S = 3;

/**
 * The energy of a sound above 4.8 kHz (hats, cymbals, the breath of a flute, a string's bow),
 * which the fingerprint's matrix does not reach: for timbre, and for the duplicate decision
 * within what the files' codecs allow (highBandsDifferenceDb; codecs reshape these bands).
 * Read from `pcm`, the sound's start at its own rate, between `startS` and `endS` (its trimmed
 * edges, clipped to what the window holds and to HIGH_MAX_S).
 */
export function computeHighBands(pcm: DetailPcm, startS: number, endS: number): HighBands {
  const { samples, sampleRate } = pcm;
  const size = nearestPowerOfTwo(sampleRate * FRAME_S);
  const hop = size / 2;
  const spectrum = createPowerSpectrum(size, true);
  const bins = new Float64Array(size / 2 + 1);
  // Each FFT bin's band (0 body, 1.. the high bands), or -1 outside them.
  const bandOfBin = bandOfBins(HIGH_BAND_EDGES_HZ, size, sampleRate);
  const first = Math.max(0, Math.floor(startS * sampleRate));
  const last = Math.min(
    samples.length,
    Math.ceil(Math.min(endS, startS + HIGH_MAX_S) * sampleRate),
  );
  const frames: Float64Array[] = [];
  for (let start = first; start < last || frames.length === 0; start += hop) {
    spectrum.compute(samples, start, bins);
    const bands = new Float64Array(HIGH_BANDS + 1);
    addBandPowers(bins, bandOfBin, bands);
    frames.push(bands);
  }

  const totals = frames.map((f) => f.reduce((s, p) => s + p, 0));
  const loudest = Math.max(...totals);
  const sums = new Float64Array(HIGH_BANDS + 1);
  frames.forEach((f, t) => {
    if (totals[t]! < loudest * ACTIVE_POWER) return;
    for (let b = 0; b <= HIGH_BANDS; b++) sums[b]! += f[b]!;
  });
  const bandsDb: number[] = [];
  for (let b = 1; b <= HIGH_BANDS; b++) {
    const db = sums[0]! > 0 && sums[b]! > 0 ? 10 * Math.log10(sums[b]! / sums[0]!) : -Infinity;
    bandsDb.push(Math.round(2 * Math.min(HIGH_CEILING_DB, Math.max(HIGH_FLOOR_DB, db))) / 2);
  }

  const high = frames.map((f) => f.reduce((s, p, b) => (b > 0 ? s + p : s), 0));
  let peak = 0;
  for (let t = 1; t < high.length; t++) if (high[t]! > high[peak]!) peak = t;
  let end = peak;
  for (let t = peak; t < high.length; t++) if (high[t]! >= high[peak]! * DECAY_POWER) end = t;
  const decayMs = Math.round(((end - peak + 1) * hop * 1e4) / sampleRate) / 10;
  return { bandsDb, decayMs };
}

/** The bands {@link highBandsDifferenceDb} compares: up to 13.4 kHz, which lossy encoders keep. */
const COMPARED_BANDS = 3;
/** ... each read no lower than this (dB relative to the body): below, it is noise and dither. */
const COMPARED_FLOOR_DB = -40;

/**
 * The largest level difference in dB between two sounds' high bands up to 13.4 kHz, each read
 * no lower than -40 dB under the body: how much brighter or duller one is. A band is compared
 * only when the band above it holds something in both: a file that holds nothing there may
 * have been sampled at a rate whose Nyquist frequency cuts this band short (22.05 kHz: 11 kHz),
 * where a copy's resampler rolls off differently. A soundfont's velocity layers are often one
 * sample through a velocity-driven filter, which changes little under 4.8 kHz and much above.
 */
export function highBandsDifferenceDb(a: HighBands, b: HighBands): number {
  let worst = 0;
  for (let i = 0; i < COMPARED_BANDS; i++) {
    const above = Math.min(a.bandsDb[i + 1] ?? HIGH_FLOOR_DB, b.bandsDb[i + 1] ?? HIGH_FLOOR_DB);
    if (above <= HIGH_FLOOR_DB) continue;
    const x = Math.max(COMPARED_FLOOR_DB, a.bandsDb[i]!);
    const y = Math.max(COMPARED_FLOOR_DB, b.bandsDb[i]!);
    worst = Math.max(worst, Math.abs(x - y));
  }
  return worst;
}
