import FFT from 'fft.js';
import { DETAIL_SAMPLE_RATE } from '../constants.js';
import type { DetailPcm } from '../detail-window.js';
import { resampleWhole } from '../resample.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { DecodedCache } from './decoded-cache.js';

/**
 * The fine structure of a sound's attack: its waveform from just before the onset, at
 * DETAIL_SAMPLE_RATE (content up to 10 kHz), 8-bit µ-law. A codec copy keeps this waveform up
 * to its coding noise, while another recording of the same hit (a round robin, a velocity
 * layer, the same drum of another kit) differs in it even where its level envelope and long-term
 * spectrum agree: only this tells the two apart.
 */

/** The excerpt starts this long before the trimmed onset (codec pre-echo, onset jitter). */
const LEAD_S = 0.005;
/** ... and lasts this long: 2,315 bytes at 22,050 Hz. */
const LENGTH_S = 0.105;
export const DETAIL_SAMPLES = Math.round(LENGTH_S * DETAIL_SAMPLE_RATE);
/** Sounds whose trimmed duration is at most this carry a detail excerpt and need it to be copies. */
export const DETAIL_MAX_MS = 8000;
/** The excerpt is computed up to this much longer sounds, so a pair straddling the limit has it. */
export const DETAIL_COMPUTE_MAX_MS = DETAIL_MAX_MS * 1.1;

const MU = 255;

/** Source samples read on each side of the excerpt, so the resampler's filter is settled. */
const PAD_S = 0.005;

/**
 * The detail excerpt of the sound starting at `startS` seconds in `pcm` (mono, its own rate):
 * resampled to DETAIL_SAMPLE_RATE, normalised to its peak and µ-law coded, base64 (what follows
 * the end of `pcm` counts as silence); null when the excerpt is silent or `pcm` ends before
 * the onset.
 */
export function computeDetail(pcm: DetailPcm, startS: number): string | null {
  const rate = pcm.sampleRate;
  if (startS * rate >= pcm.samples.length) return null;
  const begin = Math.round((startS - LEAD_S - PAD_S) * rate);
  const length = Math.ceil((LENGTH_S + LEAD_S + 2 * PAD_S) * rate);
  const slice = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const j = begin + i;
    if (j >= 0 && j < pcm.samples.length) slice[i] = pcm.samples[j]!;
  }
  const resampled = resampleWhole(slice, rate, DETAIL_SAMPLE_RATE);
  const excerpt = resampled.subarray(Math.round(PAD_S * DETAIL_SAMPLE_RATE));
  return codeExcerpt(excerpt);
}

/** The first DETAIL_SAMPLES of `pcm` (zeros past its end), peak-normalised µ-law, base64. */
function codeExcerpt(pcm: Float32Array): string | null {
  const n = Math.min(DETAIL_SAMPLES, pcm.length);
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(pcm[i]!));
  if (peak === 0) return null;
  const bytes = new Uint8Array(DETAIL_SAMPLES);
  const scale = Math.log1p(MU);
  for (let i = 0; i < DETAIL_SAMPLES; i++) {
    const x = i < n ? pcm[i]! / peak : 0;
    const coded = (Math.sign(x) * Math.log1p(MU * Math.abs(x))) / scale;
    bytes[i] = Math.round(coded * 127) + 128;
  }
  return bytesToBase64(bytes);
}

/** The excerpt back as samples in [-1, 1]; null when it does not decode to DETAIL_SAMPLES bytes. */
export function decodeDetail(detail: string): Float64Array | null {
  const bytes = base64ToBytes(detail);
  if (bytes.length !== DETAIL_SAMPLES) return null;
  const out = new Float64Array(DETAIL_SAMPLES);
  for (let i = 0; i < DETAIL_SAMPLES; i++) {
    const coded = (bytes[i]! - 128) / 127;
    out[i] = (Math.sign(coded) * ((1 + MU) ** Math.abs(coded) - 1)) / MU;
  }
  return out;
}

/** Frequency bands of the coherence, in Hz: one score each, so that the loud band cannot hide the others. */
const BANDS_HZ = [
  [40, 300],
  [300, 1000],
  [1000, 3000],
  [3000, 6000],
  [6000, 10000],
] as const;
/** Bands holding less than this share of the pair's energy do not count (codec noise). */
const MIN_BAND_SHARE = 1e-3;
/** Alignment search span: onsets of copies agree within a few ms (codec pre-echo). */
const MAX_LAG_S = 0.01;
const FFT_SIZE = 8192;

/**
 * The FFT of the detail comparisons and its work arrays, made once: three fresh 16,384-value
 * arrays per comparison took a tenth of its time. Each is zeroed before use, as a new one is.
 */
let work: {
  fft: FFT;
  frame: Float64Array;
  out: Float64Array;
  spectrum: Float64Array;
  corr: Float64Array;
} | null = null;

function fftWork(): NonNullable<typeof work> {
  work ??= {
    fft: new FFT(FFT_SIZE),
    frame: new Float64Array(FFT_SIZE),
    out: new Float64Array(2 * FFT_SIZE),
    spectrum: new Float64Array(2 * FFT_SIZE),
    corr: new Float64Array(2 * FFT_SIZE),
  };
  return work;
}

/** The excerpt's spectrum over the positive frequencies (0..FFT_SIZE / 2, re and im interleaved). */
function spectrumOf(samples: Float64Array): Float64Array {
  const { fft, frame, out } = fftWork();
  frame.fill(0);
  frame.set(samples);
  out.fill(0);
  fft.realTransform(out, frame);
  return out.slice(0, FFT_SIZE + 2);
}

/** What the comparisons read of one excerpt, computed once per excerpt. */
interface DecodedDetail {
  spectrum: Float64Array;
  /** cumulativeSquares of the samples. */
  cumulative: Float64Array;
}

/**
 * Decoded excerpts (~90 KB each with their spectrum): one lookup compares a sound's excerpt
 * with up to 16 others, and a check of many items meets the same library sounds again.
 */
const decodedDetails = new DecodedCache<DecodedDetail | null>(64);

function decodedDetail(detail: string): DecodedDetail | null {
  return decodedDetails.get(detail, (packed) => {
    const samples = decodeDetail(packed);
    return samples
      ? { spectrum: spectrumOf(samples), cumulative: cumulativeSquares(samples) }
      : null;
  });
}

/** How two detail excerpts compare (see {@link compareDetails}). */
export interface DetailComparison {
  /** Mean band coherence after alignment: codec copies 0.75-1.0, other recordings mostly 0-0.6. */
  coherence: number;
  /**
   * RMS difference in dB of the aligned excerpts' 5 ms energy envelopes (each relative to its
   * loudest block), over the blocks within 25 dB of it: a fade or a cut inside the excerpt.
   */
  envelopeDb: number;
  /**
   * The largest level difference in dB that the excerpts' 2 ms envelopes hold, one louder
   * than the other, over three blocks in a row (of those within 25 dB of the loudest, each
   * floored at -40 dB), once aligned: two edits of one short hit (a cut and the same cut faded)
   * hold 3 dB and more where the fade is, while a codec's differences flicker from block to block.
   * Each way round (one excerpt's blocks fixed, the other's shifted) and the larger, so that it
   * is symmetric. Between two lossless files the blocks within 35 dB count, each floored at
   * -45 dB ({@link LOSSLESS_SUSTAINED_FLOORS}). Null unless asked for (it judges sounds that lie
   * within the excerpt).
   */
  sustainedDb: number | null;
}

/** Envelope blocks of 5 ms; blocks this far under the loudest do not count. */
const ENVELOPE_BLOCK = Math.round(0.005 * DETAIL_SAMPLE_RATE);
const ENVELOPE_FLOOR_DB = -25;

/**
 * How alike two detail excerpts are: they are aligned to a fraction of a sample by
 * cross-correlation (within ±10 ms, either polarity); then each band's coherence (the normalised
 * real cross-spectrum, 1 for identical waveforms, ~0 for unrelated noise) is taken, and the mean
 * over the bands that hold at least 0.1 % of the energy; and the energy envelopes are compared
 * (the fine one with `sustained`). Null when either excerpt does not decode.
 */
export function compareDetails(
  a: string,
  b: string,
  { sustained = false, lossless = false }: { sustained?: boolean; lossless?: boolean } = {},
): DetailComparison | null {
  const da = decodedDetail(a);
  const db = decodedDetail(b);
  if (!da || !db) return null;
  const X = da.spectrum;
  const Y = db.spectrum;
  const half = FFT_SIZE / 2;
  // Cross-spectrum C = X · conj(Y) over the positive frequencies.
  const cRe = new Float64Array(half + 1);
  const cIm = new Float64Array(half + 1);
  for (let k = 0; k <= half; k++) {
    const xr = X[2 * k]!;
    const xi = X[2 * k + 1]!;
    const yr = Y[2 * k]!;
    const yi = Y[2 * k + 1]!;
    cRe[k] = xr * yr + xi * yi;
    cIm[k] = xi * yr - xr * yi;
  }
  const tau = bestLag(cRe, cIm);
  const sign = correlationAt(cRe, cIm, tau, 0, half) < 0 ? -1 : 1;
  let total = 0;
  const scores: { share: number; coherence: number }[] = [];
  for (const [lo, hi] of BANDS_HZ) {
    const k0 = Math.ceil((lo * FFT_SIZE) / DETAIL_SAMPLE_RATE);
    const k1 = Math.min(half, Math.floor((hi * FFT_SIZE) / DETAIL_SAMPLE_RATE));
    let ea = 0;
    let eb = 0;
    for (let k = k0; k <= k1; k++) {
      ea += X[2 * k]! ** 2 + X[2 * k + 1]! ** 2;
      eb += Y[2 * k]! ** 2 + Y[2 * k + 1]! ** 2;
    }
    total += ea + eb;
    const cross = sign * correlationAt(cRe, cIm, tau, k0, k1);
    scores.push({ share: ea + eb, coherence: ea > 0 && eb > 0 ? cross / Math.sqrt(ea * eb) : 0 });
  }
  let sum = 0;
  let bandsCounted = 0;
  for (const { share, coherence } of scores) {
    if (share < MIN_BAND_SHARE * total) continue;
    sum += coherence;
    bandsCounted++;
  }
  const ca = da.cumulative;
  const cb = db.cumulative;
  const floors = lossless ? LOSSLESS_SUSTAINED_FLOORS : SUSTAINED_FLOORS;
  return {
    coherence: bandsCounted === 0 ? 0 : sum / bandsCounted,
    envelopeDb: envelopeDifference(ca, cb, Math.round(tau)),
    sustainedDb: sustained
      ? Math.max(sustainedDifference(ca, cb, floors), sustainedDifference(cb, ca, floors))
      : null,
  };
}

/** The fine envelope of {@link DetailComparison.sustainedDb}: 2 ms blocks, aligned within ±5 ms. */
const FINE_BLOCK = Math.round(0.002 * DETAIL_SAMPLE_RATE);
const FINE_MAX_LAG = Math.round(0.005 * DETAIL_SAMPLE_RATE);
const FINE_LAG_STEP = 2;

/** Which fine blocks the sustained difference reads, and the level each is floored at, in dB. */
interface SustainedFloors {
  /** A block counts when either excerpt's is within this of its loudest. */
  countedDb: number;
  /** Counted blocks under this level are read as this level. */
  floorDb: number;
}

const SUSTAINED_FLOORS: SustainedFloors = { countedDb: ENVELOPE_FLOOR_DB, floorDb: -40 };

/**
 * Two lossless files are read 10 dB deeper: no codec noise stands between lossless copies, so
 * their fine envelopes agree down there too, while a hit cut short and the same cut faded can
 * differ only there (a closed hat's last 7 ms, at -35 dB, faded by 10 dB). Read this deep, the
 * development set's 105 lossless copy pairs of sounds within the excerpt stay at 0.23 dB at
 * most (validation: 84 pairs, 0.15 dB), and its 26 pairs of a hit cut at 60 % and the same cut
 * faded differ by 5.5 dB and more (validation: 3.4 dB). Read 5 dB deeper still, a mono
 * downmix's 16-bit tail would differ from its stereo original by 9.5 dB.
 */
const LOSSLESS_SUSTAINED_FLOORS: SustainedFloors = { countedDb: -35, floorDb: -45 };
/** Blocks in a row that must differ with one sign. */
const SUSTAINED_BLOCKS = 3;
/** Envelope levels further under the loudest block count as this. */
const ENVELOPE_MIN_DB = -60;

/** Running sums of squares: `out[i]` = Σ x[0..i)². */
function cumulativeSquares(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) out[i + 1] = out[i]! + x[i]! ** 2;
  return out;
}

/**
 * The energy of each `block` samples of the excerpt whose running sums of squares are
 * `cumulative`, read `lag` samples later (silence beyond its ends), in dB under the loudest
 * block, floored at ENVELOPE_MIN_DB; null when it is silent.
 */
function envelopeDb(cumulative: Float64Array, block: number, lag: number): Float64Array | null {
  const n = cumulative.length - 1;
  const at = (i: number): number => cumulative[Math.max(0, Math.min(n, i))]!;
  const energy = new Float64Array(Math.floor(DETAIL_SAMPLES / block));
  for (let k = 0; k < energy.length; k++) {
    energy[k] = at((k + 1) * block - lag) - at(k * block - lag);
  }
  const max = Math.max(...energy);
  if (!(max > 0)) return null;
  return energy.map((e) => Math.max(ENVELOPE_MIN_DB, 10 * Math.log10(e / max)));
}

/** Whether a block counts: within ENVELOPE_FLOOR_DB of the loudest in either envelope. */
const counted = (a: number, b: number): boolean => Math.max(a, b) >= ENVELOPE_FLOOR_DB;

/** RMS difference in dB of two envelopes over the blocks that count (0 when none does). */
function rmsDifferenceDb(ea: Float64Array, eb: Float64Array): number {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < ea.length; k++) {
    if (!counted(ea[k]!, eb[k]!)) continue;
    sum += (ea[k]! - eb[k]!) ** 2;
    n++;
  }
  return n === 0 ? 0 : Math.sqrt(sum / n);
}

/** The envelope measure of {@link DetailComparison} (running sums of squares in), `b` read `lag` samples later. */
function envelopeDifference(ca: Float64Array, cb: Float64Array, lag: number): number {
  const ea = envelopeDb(ca, ENVELOPE_BLOCK, 0);
  const eb = envelopeDb(cb, ENVELOPE_BLOCK, lag);
  return ea && eb ? rmsDifferenceDb(ea, eb) : Infinity;
}

/**
 * {@link DetailComparison.sustainedDb} (running sums of squares in): `b` is shifted by the lag (within ±5 ms) that brings the
 * two fine envelopes closest; then the differences of the blocks that count are read in order.
 * Infinity (an edit: both kept) when either is silent.
 */
function sustainedDifference(
  ca: Float64Array,
  cb: Float64Array,
  { countedDb, floorDb }: SustainedFloors,
): number {
  const ea = envelopeDb(ca, FINE_BLOCK, 0);
  if (!ea) return Infinity;
  let best = Infinity;
  let eb: Float64Array | null = null;
  for (let lag = -FINE_MAX_LAG; lag <= FINE_MAX_LAG; lag += FINE_LAG_STEP) {
    const shifted = envelopeDb(cb, FINE_BLOCK, lag);
    const difference = shifted ? rmsDifferenceDb(ea, shifted) : Infinity;
    if (difference < best) {
      best = difference;
      eb = shifted;
    }
  }
  if (!eb) return Infinity;
  const diffs: number[] = [];
  for (let k = 0; k < ea.length; k++) {
    if (Math.max(ea[k]!, eb[k]!) < countedDb) continue;
    diffs.push(Math.max(ea[k]!, floorDb) - Math.max(eb[k]!, floorDb));
  }
  let sustained = 0;
  for (let k = 0; k + SUSTAINED_BLOCKS <= diffs.length; k++) {
    const run = diffs.slice(k, k + SUSTAINED_BLOCKS);
    if (run.every((d) => d > 0) || run.every((d) => d < 0))
      sustained = Math.max(sustained, Math.min(...run.map(Math.abs)));
  }
  return sustained;
}

/** Re Σ C[k]·e^{+2πi·k·τ/N} over k0..k1: the cross-correlation at lag τ (samples) restricted to those bins. */
function correlationAt(
  cRe: Float64Array,
  cIm: Float64Array,
  tau: number,
  k0: number,
  k1: number,
): number {
  let sum = 0;
  const w = (2 * Math.PI * tau) / FFT_SIZE;
  for (let k = k0; k <= k1; k++) {
    sum += cRe[k]! * Math.cos(w * k) - cIm[k]! * Math.sin(w * k);
  }
  return sum;
}

/**
 * The lag (in samples, fractional) at which |cross-correlation| peaks within ±MAX_LAG_S: the
 * peak of its envelope (the analytic cross-correlation, from the positive frequencies only, so
 * that content near the Nyquist rate cannot hide the peak between two samples), then refined by
 * a golden-section search over ±1 sample.
 */
function bestLag(cRe: Float64Array, cIm: Float64Array): number {
  const { fft, spectrum, corr } = fftWork();
  const half = FFT_SIZE / 2;
  spectrum.fill(0);
  for (let k = 0; k <= half; k++) {
    spectrum[2 * k] = cRe[k]!;
    spectrum[2 * k + 1] = cIm[k]!;
  }
  corr.fill(0);
  fft.inverseTransform(corr, spectrum);
  const maxLag = Math.round(MAX_LAG_S * DETAIL_SAMPLE_RATE);
  let best = 0;
  let bestValue = -1;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const i = 2 * ((lag + FFT_SIZE) % FFT_SIZE);
    const value = corr[i]! ** 2 + corr[i + 1]! ** 2;
    if (value > bestValue) {
      bestValue = value;
      best = lag;
    }
  }
  const f = (t: number) => -Math.abs(correlationAt(cRe, cIm, t, 0, half));
  let lo = best - 1;
  let hi = best + 1;
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo);
  let x2 = lo + g * (hi - lo);
  let f1 = f(x1);
  let f2 = f(x2);
  for (let i = 0; i < 12; i++) {
    if (f1 < f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - g * (hi - lo);
      f1 = f(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + g * (hi - lo);
      f2 = f(x2);
    }
  }
  return (lo + hi) / 2;
}
