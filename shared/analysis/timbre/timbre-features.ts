import { MATRIX_BANDS } from '../fingerprint/band-matrix.js';
import { base64ToBytes } from '../fingerprint/base64.js';
import type { Fingerprint } from '../fingerprint/fingerprint-types.js';
import { HIGH_BANDS, HIGH_FLOOR_DB } from '../fingerprint/high-bands.js';
import { bytesToDb } from '../fingerprint/quantise.js';
import { PROFILE_BINS, profileBinHz } from '../fingerprint/spectrum-profile.js';

/** What the timbre features read of a fingerprint (all a stored one holds). */
export type TimbreSource = Pick<
  Fingerprint,
  'durationMs' | 'frameMs' | 'frames' | 'matrix' | 'profile' | 'tail' | 'high'
>;

/** Band groups (pairs of matrix bands, 30-4800 Hz): the spectral shape, coarse enough to be stable. */
export const SHAPE_GROUPS = 9;
/** Levels are clamped this far under their loudest: quieter detail is codec and room noise. */
const FLOOR_DB = -60;
/** Frames this far under the loudest frame count as the sound's end (matching `tail`'s -40 dB). */
const ACTIVE_DB = -40;
/** Cepstral coefficients of the long-term profile kept (the first, its mean level, is not). */
export const PROFILE_CEPSTRA = 15;
/**
 * ms after the trimmed start at which the level is read: a log-spaced envelope of the first
 * moments. None later: a level read at a fixed time after a second or two tells mostly how long
 * the sound is, which logDurationS already says, and it jumps between sounds that end just before
 * and just after it (a 2.5 s pad went nearer a kick than other pads of 3 s).
 */
export const ENVELOPE_MS = [10, 20, 40, 80, 160, 320, 640] as const;
/** Shares of the trimmed length at which the level is read: the envelope's shape at any length. */
export const ENVELOPE_SHARES = [0.1, 0.25, 0.5, 0.75, 0.9] as const;
/** Band ranges (matrix bands) of the part envelopes: 30-250, 250-1250, 1250-4800 Hz. */
const PARTS = [
  ['bass', 0, 6],
  ['middle', 6, 12],
  ['treble', 12, 18],
] as const;
/** ms at which each part's envelope is read. */
export const PART_ENVELOPE_MS = [20, 80, 320] as const;

/**
 * Raw timbre features of a sound, in natural units (dB, octaves, log10 seconds, shares), before
 * the standardisation and projection of timbreVector. One value per {@link FEATURE_NAMES} entry.
 */
export const FEATURE_NAMES = [
  ...Array.from({ length: SHAPE_GROUPS }, (_, g) => `shape${g}Db`),
  'centroidOct',
  'spreadOct',
  'flatnessDb',
  'logAttackS',
  'logDecay20S',
  'logDecay40S',
  'logDurationS',
  'sustainShare',
  'fluxDb',
  'brightnessDropOct',
  ...Array.from({ length: HIGH_BANDS }, (_, b) => `high${b}Db`),
  'logHighDecayS',
  'highDecayOverBody',
  ...Array.from({ length: PROFILE_CEPSTRA }, (_, c) => `profileCep${c + 1}`),
  ...ENVELOPE_MS.map((ms) => `level${ms}ms`),
  ...PARTS.flatMap(([part]) => PART_ENVELOPE_MS.map((ms) => `${part}${ms}ms`)),
  ...ENVELOPE_SHARES.map((share) => `levelAt${Math.round(share * 100)}pc`),
] as const;
export const FEATURE_COUNT = FEATURE_NAMES.length;

/**
 * The features of one fingerprint: spectral shape (band-group levels relative to the loudest,
 * centroid and spread in octaves above 50 Hz, the profile's flatness), envelope (attack, decay to
 * -20 and -40 dB, duration, the share of the sound within 10 dB of its peak) and change over
 * time (spectral flux, how much darker the end is than the start), and above 4.8 kHz (the
 * level of each high band relative to the body, how long that energy lasts, and that against
 * the body's decay to -20 dB), then the profile's cepstrum and the envelope at fixed times
 * (whole, and in low, mid and high bands). Gain-free: levels are relative. A fingerprint stored
 * before `high` gives NaN for those, which timbreVector reads as typical.
 * @throws Error when the matrix or profile is not valid base64.
 */
export function timbreFeatures(fp: TimbreSource): Float64Array {
  const levels = bytesToDb(base64ToBytes(fp.matrix));
  const frames = Math.min(fp.frames, Math.floor(levels.length / MATRIX_BANDS));
  const frameS = fp.frameMs / 1000;
  const out = new Float64Array(FEATURE_COUNT);
  let o = 0;

  // Long-term band powers and per-frame totals.
  const bandPower = new Float64Array(MATRIX_BANDS);
  const frameDb = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    let total = 0;
    for (let k = 0; k < MATRIX_BANDS; k++) {
      const p = 10 ** (levels[t * MATRIX_BANDS + k]! / 10);
      bandPower[k]! += p;
      total += p;
    }
    frameDb[t] = 10 * Math.log10(total + 1e-30);
  }
  const groupDb = new Float64Array(SHAPE_GROUPS);
  for (let g = 0; g < SHAPE_GROUPS; g++) {
    groupDb[g] = 10 * Math.log10(bandPower[2 * g]! + bandPower[2 * g + 1]! + 1e-30);
  }
  const loudestGroup = Math.max(...groupDb);
  for (let g = 0; g < SHAPE_GROUPS; g++) out[o++] = Math.max(FLOOR_DB, groupDb[g]! - loudestGroup);

  // Centroid, spread and flatness of the long-term profile (quarter tones, 50-4800 Hz).
  const profileDb = bytesToDb(base64ToBytes(fp.profile));
  let sum = 0;
  let weighted = 0;
  let logSum = 0;
  const bins = Math.min(PROFILE_BINS, profileDb.length);
  const octaves = new Float64Array(bins);
  const power = new Float64Array(bins);
  for (let i = 0; i < bins; i++) {
    octaves[i] = Math.log2(profileBinHz(i) / 50);
    power[i] = 10 ** (Math.max(FLOOR_DB, profileDb[i]!) / 10);
    sum += power[i]!;
    weighted += power[i]! * octaves[i]!;
    logSum += Math.log(power[i]!);
  }
  const centroid = sum > 0 ? weighted / sum : 0;
  let spread = 0;
  for (let i = 0; i < bins; i++) spread += power[i]! * (octaves[i]! - centroid) ** 2;
  out[o++] = centroid;
  out[o++] = sum > 0 ? Math.sqrt(spread / sum) : 0;
  // Geometric over arithmetic mean, in dB: near 0 for noise (hats, snares), far below for tones.
  out[o++] = bins > 0 ? 10 * Math.log10(Math.exp(logSum / bins) / (sum / bins) + 1e-30) : 0;

  // Envelope from the frame totals.
  let peak = 0;
  for (let t = 1; t < frames; t++) if (frameDb[t]! > frameDb[peak]!) peak = t;
  const peakDb = frames > 0 ? frameDb[peak]! : 0;
  const lastAbove = (db: number) => {
    let last = peak;
    for (let t = peak; t < frames; t++) if (frameDb[t]! >= peakDb + db) last = t;
    return last;
  };
  const durationS = Math.max(fp.durationMs / 1000, frameS);
  const tail40 = fp.tail?.find((end) => end.db === -40)?.endMs;
  const decay40S =
    tail40 !== undefined
      ? tail40 / 1000 - peak * frameS
      : (lastAbove(ACTIVE_DB) - peak + 1) * frameS;
  out[o++] = Math.log10(peak * frameS + frameS / 2);
  const decay20 = Math.log10((lastAbove(-20) - peak + 1) * frameS);
  out[o++] = decay20;
  out[o++] = Math.log10(Math.max(frameS, decay40S));
  out[o++] = Math.log10(durationS);
  let loud = 0;
  for (let t = 0; t < frames; t++) if (frameDb[t]! >= peakDb - 10) loud++;
  out[o++] = frames > 0 ? loud / frames : 0;

  // Flux: mean change of the frame's spectral shape (each frame relative to its own total), over
  // frames within 40 dB of the peak; and the centroid's fall from the first to the last third.
  let flux = 0;
  let fluxFrames = 0;
  const centroidOf = (t: number) => {
    let s = 0;
    let w = 0;
    for (let k = 0; k < MATRIX_BANDS; k++) {
      const p = 10 ** (levels[t * MATRIX_BANDS + k]! / 10);
      s += p;
      w += p * k;
    }
    return s > 0 ? w / s : 0;
  };
  const active: number[] = [];
  for (let t = 0; t < frames; t++) if (frameDb[t]! >= peakDb + ACTIVE_DB) active.push(t);
  for (let i = 1; i < active.length; i++) {
    const a = active[i - 1]!;
    const b = active[i]!;
    let d = 0;
    for (let k = 0; k < MATRIX_BANDS; k++) {
      const la = Math.max(FLOOR_DB, levels[a * MATRIX_BANDS + k]! - frameDb[a]!);
      const lb = Math.max(FLOOR_DB, levels[b * MATRIX_BANDS + k]! - frameDb[b]!);
      d += Math.abs(la - lb);
    }
    flux += d / MATRIX_BANDS;
    fluxFrames++;
  }
  out[o++] = fluxFrames > 0 ? flux / fluxFrames : 0;
  const third = Math.max(1, Math.floor(active.length / 3));
  const meanCentroid = (ts: number[]) =>
    ts.length > 0 ? ts.reduce((s, t) => s + centroidOf(t), 0) / ts.length : 0;
  // Bands are about a third of an octave apart above 200 Hz.
  out[o++] = (meanCentroid(active.slice(0, third)) - meanCentroid(active.slice(-third))) / 3;

  // Above 4.8 kHz. With nothing there (a dark sound, a source at 22 kHz), its decay is the body's.
  const high = fp.high;
  for (let b = 0; b < HIGH_BANDS; b++) out[o++] = high?.bandsDb[b] ?? NaN;
  const empty = high !== undefined && high.bandsDb.every((db) => db <= HIGH_FLOOR_DB);
  const highDecay = !high ? NaN : empty ? decay20 : Math.log10(Math.max(high.decayMs, 1) / 1000);
  out[o++] = highDecay;
  out[o++] = highDecay - decay20;

  // The profile's cepstrum (a cosine transform of its dB levels): the smooth spectral envelope
  // in its low coefficients, finer ripples (the spacing of partials) in higher ones. The shape
  // of the spectrum as a whole, rather than band by band: a sample set's own colouring of one
  // instrument moves single bands more than that shape.
  for (let c = 1; c <= PROFILE_CEPSTRA; c++) {
    let s = 0;
    for (let i = 0; i < bins; i++) {
      s += Math.max(FLOOR_DB, profileDb[i]!) * Math.cos((Math.PI * c * (i + 0.5)) / bins);
    }
    out[o++] = bins > 0 ? s * Math.sqrt(2 / bins) : 0;
  }

  // The envelope at fixed log-spaced times from the start, relative to the loudest frame, and
  // that of the low, mid and high bands each relative to its own loudest; then at fixed shares
  // of the sound's length. How a sound starts, holds and dies (a struck string against a bowed
  // one, an organ against a piano), read the same way for every sound whatever its pitch or
  // sample set. Past the end: the floor.
  const levelAt = (db: ArrayLike<number>, top: number, ms: number) => {
    const t = Math.floor(ms / fp.frameMs);
    return t < frames ? Math.max(FLOOR_DB, db[t]! - top) : FLOOR_DB;
  };
  for (const ms of ENVELOPE_MS) out[o++] = levelAt(frameDb, peakDb, ms);
  for (const [, from, to] of PARTS) {
    const partDb = new Float64Array(frames);
    for (let t = 0; t < frames; t++) {
      let p = 0;
      for (let k = from; k < to; k++) p += 10 ** (levels[t * MATRIX_BANDS + k]! / 10);
      partDb[t] = 10 * Math.log10(p + 1e-30);
    }
    const top = frames > 0 ? Math.max(...partDb) : 0;
    for (const ms of PART_ENVELOPE_MS) out[o++] = levelAt(partDb, top, ms);
  }
  for (const share of ENVELOPE_SHARES) {
    const t = Math.min(frames - 1, Math.floor(share * frames));
    out[o++] = t >= 0 ? Math.max(FLOOR_DB, frameDb[t]! - peakDb) : FLOOR_DB;
  }
  return out;
}
