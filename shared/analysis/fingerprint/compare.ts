import { MATRIX_BANDS } from './band-matrix.js';
import { base64ToBytes } from './base64.js';
import type { Fingerprint, TailEnd } from './fingerprint-types.js';
import { compareDetails, DETAIL_MAX_MS, type DetailComparison } from './detail.js';
import { DecodedCache } from './decoded-cache.js';
import { highBandsDifferenceDb } from './high-bands.js';
import { levelDistance, spectrumFit } from './level-distance.js';
import { bytesToDb } from './quantise.js';
import { rebinLevels } from './rebin.js';
import { TRIM_RELATIVE_DB } from './trim.js';

/**
 * Thresholds of the same-sound decision; each measure is mapped to 1 / (1 + (d / t)²), so a
 * measure exactly at its threshold scores 0.5.
 */
export const SAME_SOUND_THRESHOLDS = {
  /** Level-weighted RMS difference of the aligned band matrices, in dB. */
  matrixDb: 1.6,
  /** The same over the worst window (~1/16 of the sound): catches one changed bar. */
  localDb: 2.0,
  /** Lasting per-band difference (velocity, one part of a mix louder), in dB. */
  bandBiasDb: 0.72,
  /** Level-weighted RMS difference of the quarter-tone long-term spectra, in dB. */
  profileDb: 2.6,
  /** Ratio by which a frequency-shifted profile fits better than the unshifted one. */
  pitchShift: 1.5,
  /** Trimmed durations may differ by this many ms plus {@link durationRelative} of the shorter. */
  durationMs: 15,
  durationRelative: 0.012,
  /** ... plus this share of the larger `edgeMs` (a ±1.5 dB level error at the edges). */
  durationEdge: 0.5,
} as const;

/** Matrix cells further below the loudest are ignored. */
const MATRIX_FLOOR_DB = -60;
/** Profile bins further below the peak are ignored: codecs quantise masked bins coarsely. */
const PROFILE_FLOOR_DB = -30;
/** Matrix cells this far under their frame's loudest band weigh nothing (masked). */
const MASK_DB = 30;
/** Pitch shifts are looked for up to this many profile bins (quarter tones) either way. */
const MAX_PITCH_LAG_BINS = 3;
/** With frames shorter than this, a cell may match its neighbours' levels (codec pre-echo). */
const SMEAR_MS = 40;
/** Lag search span in ms: absorbs codec offsets and edge detection jitter. */
const MAX_LAG_MS = 45;

/**
 * What two fingerprints say of two files: `same` (a copy: re-encoded, resampled, gain-changed,
 * down-mixed, padded; safe to merge), `similar` (close but not certainly a copy, such as two
 * recordings of one hit or an edit of it: both are kept and linked) or `distinct`.
 */
export type SoundVerdict = 'same' | 'similar' | 'distinct';

/** Pairs that are not certainly the same sound but score at least this are `similar`. */
export const SIMILAR_MIN_SIMILARITY = 0.3;

/**
 * Short sounds are copies only when their attacks' fine structure agrees at least this much
 * (DetailComparison.coherence): codec copies score 0.75-1.0, other recordings of one hit mostly
 * below.
 */
export const DETAIL_COHERENCE_MIN = 0.7;

/**
 * ... and, when no longer than the detail excerpt, the energy envelopes of their excerpts
 * within this RMS difference in dB: a fade or a cut of a short hit shows there (10-30 dB),
 * while codec copies stay under 2 dB but for a few transients smeared by the codec.
 */
export const DETAIL_ENVELOPE_DB_MAX = 6;

/**
 * ... and their excerpts' fine envelopes hold no difference above this many dB over three 2 ms
 * blocks in a row (DetailComparison.sustainedDb): a cut and the same cut faded differ by 3-16 dB
 * where the fade is, while the development set's 192 short codec copies stay at 2.57 dB and
 * under (`npm run bench:duplicates`, "short copies' sustained envelope difference"; on the
 * validation half, two Vorbis copies of one 23 ms hat reach 5.1 and 6.1 dB and are kept as
 * similar). Measured both ways round and the larger taken, so the order of two files
 * never changes the verdict.
 */
export const DETAIL_SUSTAINED_DB_MAX = 3;

/**
 * ... and their trimmed durations within this many ms, plus the relative and edge shares of
 * SAME_SOUND_THRESHOLDS: the attack of an edit (the same hit trimmed or faded) is the copy's,
 * its length is not. The 15 ms of the similarity's allowance are for sounds that are close;
 * copies keep their length far closer: on the development set every copy of every length
 * stays within 0.3 ms of the relative and edge shares (`npm run bench:duplicates`, "copies'
 * duration excess"), while two edits of one short hit (cut at 60 % and 75 %, or cut and the
 * same cut faded) differ by 2-7 ms more.
 */
export const COPY_DURATION_MS = 2;

/**
 * ... and, when longer than the detail excerpt, their band matrices within this RMS difference
 * in dB (the threshold of all sounds is SAME_SOUND_THRESHOLDS.matrixDb): two edits of one hit
 * (a fade-out, a cut at 75 %) differ by 1 dB and more, codec copies by under 0.85.
 */
export const COPY_MATRIX_DB_MAX = 0.95;

/**
 * Closer limits for a pair of lossless files (Fingerprint.lossless), whatever their length: no
 * codec stands between two lossless copies, so their band matrices agree within a quarter of a
 * dB and their attacks' fine structure almost exactly. On the development set's 866 lossless
 * copy pairs (16/24-bit and float WAV, AIFF, FLAC, 48/96 kHz, ±6 dB, mono, 0.2-0.5 s of
 * silence) the largest differences are 0.24 dB overall, 0.24 dB over the worst window, and a
 * coherence of 0.93 at the lowest; these limits leave twice that margin. Two velocity layers
 * or round robins of one drum (one recording each, both lossless) differ by more, even where
 * codec allowances would let them pass.
 */
export const LOSSLESS_COPY_LIMITS = { matrixDb: 0.5, localDb: 0.6, coherence: 0.85 } as const;

/**
 * How far a copy's high bands up to 13.4 kHz (Fingerprint.high, highBandsDifferenceDb) stray
 * from its source's, by the file's codec (Fingerprint.lossy): the most that the copies of two
 * duplicate sets (seeds 1 and 7: 790-1,184 copy pairs of each lossy codec) reach against their
 * lossless originals, 8 dB for AAC 160k copies of a woodblock hit, 5.5 dB for Vorbis q3 copies
 * of a crash, and for lossless files half of what two lossless copies differ by (1 dB); a
 * throwaway study read them per codec, and `npm run bench:duplicates` prints how close copies
 * come to the limit ("copies' high-band difference": half of it at most, on both sets). Two
 * files are copies only when their high bands differ by at most twice the sum of what each
 * may stray (2 dB for two lossless files): a soundfont's velocity layers are often one sample
 * through a velocity-driven filter, alike under 4.8 kHz but for their level and 3.5-9 dB apart
 * above it. A file of another or an unknown codec (8-bit PCM, ADPCM, what the web app's second
 * decoder, ffmpeg.wasm, read: it does not say the source's codec; a fingerprint stored before
 * `lossy`) is not held to it.
 */
export const HIGH_BANDS_COPY_STRAY_DB = {
  lossless: 0.5,
  mp3: 1.5,
  opus: 2,
  vorbis: 5.5,
  aac: 8,
} as const;

/** The most two copies' high bands may differ by (HIGH_BANDS_COPY_STRAY_DB); null: not held. */
export function highBandsCopyLimitDb(a: Fingerprint, b: Fingerprint): number | null {
  const stray = (f: Fingerprint): number | null =>
    f.lossless === true
      ? HIGH_BANDS_COPY_STRAY_DB.lossless
      : f.lossy
        ? HIGH_BANDS_COPY_STRAY_DB[f.lossy]
        : null;
  const [sa, sb] = [stray(a), stray(b)];
  return sa === null || sb === null ? null : 2 * (sa + sb);
}

/** Whether two fingerprints' high bands are as close as copies' (highBandsCopyLimitDb). */
function highBandsAgree(a: Fingerprint, b: Fingerprint): boolean {
  const limit = highBandsCopyLimitDb(a, b);
  return limit === null || !a.high || !b.high || highBandsDifferenceDb(a.high, b.high) <= limit;
}

/**
 * Where two copies' decays end (Fingerprint.tail) may differ by this many ms, plus
 * {@link TAIL_RELATIVE} of the shorter, plus {@link TAIL_EDGE} of the larger uncertainty:
 * one ~2.9 ms envelope block (tails are read to the block) and 1 ms more. Copies on the
 * development set stay within 0.4 ms of the relative and edge shares ("copies' tail excess"),
 * while a short hit cut at 60 % and the same hit cut at 75 % differ by 4-9 ms more.
 */
export const TAIL_MS = 4;
const TAIL_RELATIVE = 0.05;
const TAIL_EDGE = 1;
/**
 * The edge share between two lossless files. A tail's edge is how far its decay stays within
 * ±1.5 dB of the level, a codec's error; two lossless copies differ in level by a fraction of
 * a dB (gain, resampling, dither): on the development and validation sets' 1,765 lossless copy
 * pairs the end moved by at most 0.42 of the edge beyond the fixed and relative shares. A
 * ride cymbal hovering near -40 dB for 200 ms, cut at 60 % and the same cut faded (both WAV),
 * needed 0.82 and was merged at the full share.
 */
const TAIL_EDGE_LOSSLESS = 0.6;

/**
 * The largest |Δ decay end| over its allowance among the levels both fingerprints measured
 * (above 1: one is cut or faded under -30 dB where the other is not); null when either lacks
 * a tail (stored before it was measured).
 */
function tailScoreOf(a: Fingerprint, b: Fingerprint): number | null {
  const edgeShare = a.lossless === true && b.lossless === true ? TAIL_EDGE_LOSSLESS : TAIL_EDGE;
  return worstTail(
    a,
    b,
    (ta, tb) => Math.abs(ta.endMs - tb.endMs) / (TAIL_MS + shares(ta, tb, edgeShare)),
  );
}

/**
 * By how many ms the decay ends differ beyond the relative and edge shares of their allowance,
 * worst level: the margin copies keep under {@link TAIL_MS}; null as for the tail score.
 */
export function tailExcessMs(a: Fingerprint, b: Fingerprint): number | null {
  return worstTail(a, b, (ta, tb) => Math.abs(ta.endMs - tb.endMs) - shares(ta, tb));
}

/** The tail allowance but for its fixed ms. */
const shares = (ta: TailEnd, tb: TailEnd, edgeShare = TAIL_EDGE): number =>
  TAIL_RELATIVE * Math.min(ta.endMs, tb.endMs) + edgeShare * Math.max(ta.edgeMs, tb.edgeMs);

/** The largest `measure` over the levels both tails hold; null when none does. */
function worstTail(
  a: Fingerprint,
  b: Fingerprint,
  measure: (ta: TailEnd, tb: TailEnd) => number,
): number | null {
  let worst: number | null = null;
  const floor = levelFloorDb(a, b);
  for (const ta of a.tail ?? []) {
    if (ta.db <= floor) continue; // a coarse file's noise, not its decay
    const tb = b.tail?.find((t) => t.db === ta.db);
    if (tb) worst = Math.max(worst ?? -Infinity, measure(ta, tb));
  }
  return worst;
}

/** Sounds up to this long lie within their detail excerpt, whose envelope judges them finer. */
const WITHIN_DETAIL_MS = 100;

/**
 * Whether two fingerprints are of one recording, as a copy is: always for long sounds (which
 * carry no detail), never when a short sound lacks its detail or is of version 1 (null detail).
 */
function sameRecording(
  a: Fingerprint,
  b: Fingerprint,
  { matrixDb, tailScore }: { matrixDb: number; tailScore: number | null },
): { same: boolean; detail: DetailComparison | null } {
  if (a.v !== 2 || b.v !== 2) return { same: false, detail: null };
  // The same hit cut or faded under -30 dB: an edit, whatever its length.
  if (tailScore !== null && tailScore > 1) return { same: false, detail: null };
  const shorter = Math.min(a.durationMs, b.durationMs);
  if (shorter > DETAIL_MAX_MS) return { same: true, detail: null };
  if (!a.detail || !b.detail) return { same: false, detail: null };
  const within = shorter <= WITHIN_DETAIL_MS;
  const detail = compareDetails(a.detail, b.detail, {
    sustained: within,
    lossless: a.lossless === true && b.lossless === true,
  });
  // One recording at another length or envelope (trimmed, faded) is an edit, not a copy.
  const edited =
    durationExcessMs(a, b) > COPY_DURATION_MS ||
    (within
      ? (detail?.envelopeDb ?? Infinity) > DETAIL_ENVELOPE_DB_MAX ||
        (detail?.sustainedDb ?? Infinity) > DETAIL_SUSTAINED_DB_MAX
      : matrixDb > COPY_MATRIX_DB_MAX);
  const same = detail !== null && !edited && detail.coherence >= DETAIL_COHERENCE_MIN;
  return { same, detail };
}

/** Whether a pair of lossless files is as close as lossless copies are (LOSSLESS_COPY_LIMITS). */
function losslessCopy(
  { matrixDb, localDb }: { matrixDb: number; localDb: number },
  detail: DetailComparison | null,
): boolean {
  const limits = LOSSLESS_COPY_LIMITS;
  return (
    matrixDb <= limits.matrixDb &&
    localDb <= limits.localDb &&
    (detail === null || detail.coherence >= limits.coherence)
  );
}

/**
 * How far above a coarse file's quantisation noise (Fingerprint.noise) its matrix and profile
 * are read: noise 6 dB under a band's level moves it by 1 dB.
 */
const NOISE_FLOOR_MARGIN_DB = 6;
/**
 * How far above that noise its level envelope is read (the trim and the decay's ends): 12 dB,
 * as 16-bit noise lies under TAIL_FLOOR_DBFS (trim.ts).
 */
const LEVEL_NOISE_MARGIN_DB = 12;

/**
 * The level (dB under the loudest block) above which both envelopes hold the sound rather
 * than a coarse file's noise; -Infinity when neither file is coarse.
 */
function levelFloorDb(a: Pick<Fingerprint, 'noise'>, b: Pick<Fingerprint, 'noise'>): number {
  return (
    Math.max(a.noise?.levelDb ?? -Infinity, b.noise?.levelDb ?? -Infinity) + LEVEL_NOISE_MARGIN_DB
  );
}

/**
 * Whether both trimmed lengths are of the sound: false when a coarse file's noise lies within
 * LEVEL_NOISE_MARGIN_DB of the trim's level (TRIM_RELATIVE_DB), where it holds the envelope up
 * (an 8-bit copy of a quiet hit reads as long as its file). Such a pair's similarity (and the
 * screens before a comparison) leave length out, so that it is found and linked; a certain copy
 * still needs the two lengths to agree (sameRecording): they do between an 8-bit file and its
 * conversions, which hold its noise, and not between it and a cut of its sound under the noise
 * (an 8-bit copy of a snare is as close to the snare cut at 75 % as to the snare itself).
 */
export function lengthsComparable(
  a: Pick<Fingerprint, 'noise'>,
  b: Pick<Fingerprint, 'noise'> = {},
): boolean {
  return levelFloorDb(a, b) < TRIM_RELATIVE_DB;
}

/**
 * The level under which two matrices or profiles are not compared: `floorDb`, or higher where
 * either file holds only its quantisation noise (an 8-bit copy of a 16-bit hit: its decay
 * rounds to silence or noise there, where the hit's goes on). Never above -20 dB.
 */
function noiseAwareFloorDb(floorDb: number, ...noiseDb: (number | undefined)[]): number {
  const noise = Math.max(...noiseDb.map((db) => db ?? -Infinity));
  return Math.max(floorDb, Math.min(-20, noise + NOISE_FLOOR_MARGIN_DB));
}

/** The measures behind a comparison, for diagnostics and tuning. */
export interface FingerprintComparison {
  /**
   * 0..1 from the coarse measures (level envelope, spectrum, duration); a certain copy scores
   * 0.5 or more and also passes the fine-structure test of short sounds.
   */
  similarity: number;
  sameSound: boolean;
  matrixDb: number;
  localDb: number;
  profileDb: number;
  /** Lasting per-band level difference of the matrices (timbre, balance), in dB. */
  bandBiasDb: number;
  /** How much better the profiles fit when shifted in frequency (0 when unshifted fits best). */
  pitchShift: number;
  /** |Δduration| over its allowance (≤ 1 passes). */
  durationScore: number;
  /** |Δ decay end| over its allowance, worst level (≤ 1 passes); null without tails. */
  tailScore: number | null;
  /** Fine-structure coherence of the attacks (short sounds of version 2), else null. */
  detailCoherence: number | null;
  /** Envelope difference of the attacks' excerpts in dB (likewise), else null. */
  detailEnvelopeDb: number | null;
  /** Largest difference their fine envelopes hold over 6 ms, in dB (likewise), else null. */
  detailSustainedDb: number | null;
  /** The verdict: `sameSound` is `verdict === 'same'`. */
  verdict: SoundVerdict;
}

/**
 * Decides whether two fingerprints are of the same sound. Similarity is the lowest of six
 * scores (duration; band matrix aligned over ±45 ms: overall, worst local window, lasting
 * per-band bias; long-term spectrum: difference, better fit when shifted in pitch), each 1 at
 * identity and 0.5 at its threshold. A pair scoring 0.5 or more is the `same` sound when it is
 * also one recording: for sounds up to DETAIL_MAX_MS, the fine structure of both attacks
 * agrees (DETAIL_COHERENCE_MIN); version-1 fingerprints never are; two lossless files also
 * stay within LOSSLESS_COPY_LIMITS; and the high bands of two files of known codecs agree
 * within highBandsCopyLimitDb. Otherwise a pair scoring
 * SIMILAR_MIN_SIMILARITY or more is `similar` (kept, linked), the rest `distinct`.
 * Symmetric up to rounding. Fingerprints with different frame lengths are compared at the
 * longer one.
 * @throws Error when a fingerprint's packed fields are not valid base64.
 */
export function compareFingerprintsDetailed(a: Fingerprint, b: Fingerprint): FingerprintComparison {
  const t = SAME_SOUND_THRESHOLDS;
  const frameMs = Math.max(a.frameMs, b.frameMs);
  const ma = rebinLevels(matrixLevels(a.matrix), MATRIX_BANDS, a.frameMs, frameMs);
  const mb = rebinLevels(matrixLevels(b.matrix), MATRIX_BANDS, b.frameMs, frameMs);
  const frames = Math.max(ma.length, mb.length) / MATRIX_BANDS;
  const maxLag = Math.max(1, Math.round(MAX_LAG_MS / frameMs));
  const window = Math.max(4, Math.round(frames / 16));
  const matrixFloor = noiseAwareFloorDb(MATRIX_FLOOR_DB, a.noise?.matrixDb, b.noise?.matrixDb);
  const matrix = levelDistance(ma, mb, {
    bands: MATRIX_BANDS,
    maxLag,
    window,
    floorDb: matrixFloor,
    smearFrames: frameMs < SMEAR_MS ? 1 : 0,
    maskDb: MASK_DB,
    skipLastFrame: true,
  });
  const { profileDb, pitchShift } = spectrumMeasures(a, b);
  const durationScore = durationScoreOf(a, b);
  const tailScore = tailScoreOf(a, b);
  const similarity = Math.min(
    score(durationScore),
    score(matrix.global / t.matrixDb),
    score(matrix.local / t.localDb),
    score(matrix.bandBias / t.bandBiasDb),
    score(profileDb / t.profileDb),
    score(Math.max(0, pitchShift - 1) / (t.pitchShift - 1)),
  );
  const recording =
    similarity >= 0.5
      ? sameRecording(a, b, { matrixDb: matrix.global, tailScore })
      : { same: false, detail: null };
  const closeEnough =
    !(a.lossless === true && b.lossless === true) ||
    losslessCopy({ matrixDb: matrix.global, localDb: matrix.local }, recording.detail);
  const verdict: SoundVerdict =
    similarity >= 0.5 && recording.same && closeEnough && highBandsAgree(a, b)
      ? 'same'
      : similarity >= SIMILAR_MIN_SIMILARITY
        ? 'similar'
        : 'distinct';
  return {
    similarity,
    sameSound: verdict === 'same',
    verdict,
    detailCoherence: recording.detail?.coherence ?? null,
    detailEnvelopeDb: recording.detail?.envelopeDb ?? null,
    detailSustainedDb: recording.detail?.sustainedDb ?? null,
    matrixDb: matrix.global,
    localDb: matrix.local,
    profileDb,
    bandBiasDb: matrix.bandBias,
    pitchShift,
    durationScore,
    tailScore,
  };
}

/**
 * The long-term spectrum measures: RMS dB difference of the profiles, and how much better they
 * fit shifted by up to MAX_PITCH_LAG_BINS quarter tones (a pitch change).
 */
function spectrumMeasures(
  a: Pick<Fingerprint, 'profile' | 'noise'>,
  b: Pick<Fingerprint, 'profile' | 'noise'>,
  /** Above this profile difference the pitch test (7× the cost) is not needed: pitchShift 0. */
  enoughDb = Infinity,
): { profileDb: number; pitchShift: number } {
  const pa = profileLevels(a);
  const pb = profileLevels(b);
  const floorDb = noiseAwareFloorDb(PROFILE_FLOOR_DB, a.noise?.profileDb, b.noise?.profileDb);
  // The profile is compared as PROFILE_BINS one-band frames so that lags shift it in frequency.
  const profile = spectrumFit(pa, pb, floorDb, 0);
  if (profile.global > enoughDb) return { profileDb: profile.global, pitchShift: 0 };
  const shifted = spectrumFit(pa, pb, floorDb, MAX_PITCH_LAG_BINS);
  const pitchShift = shifted.lag === 0 ? 0 : profile.global / Math.max(0.1, shifted.global);
  return { profileDb: profile.global, pitchShift };
}

/** Decoded band matrices (a few KB each as levels): a sound and its candidates of one lookup. */
const decodedMatrices = new DecodedCache<Float32Array>(256);
/** Decoded profiles (~0.6 KB each): a server screens up to 256 candidates per lookup. */
const decodedProfiles = new DecodedCache<Float32Array>(4096);

const decodeLevels = (packed: string): Float32Array => bytesToDb(base64ToBytes(packed));

/** A band matrix's levels in dB, decoded once while in use. */
function matrixLevels(matrix: string): Float32Array {
  return decodedMatrices.get(matrix, decodeLevels);
}

/** The profile's levels in dB, decoded once while in use. */
function profileLevels(fp: Pick<Fingerprint, 'profile'>): Float32Array {
  return decodedProfiles.get(fp.profile, decodeLevels);
}

/** 1 / (1 + ratio²): 1 at identity, 0.5 at the threshold. */
function score(ratio: number): number {
  return 1 / (1 + ratio * ratio);
}

/** |Δ trimmed duration| over the allowance for it: above 1, the two cannot be the same sound. */
function durationScoreOf(
  a: Pick<Fingerprint, 'durationMs' | 'edgeMs' | 'noise'>,
  b: Pick<Fingerprint, 'durationMs' | 'edgeMs' | 'noise'>,
): number {
  if (!lengthsComparable(a, b)) return 0;
  const t = SAME_SOUND_THRESHOLDS;
  const allowance =
    t.durationMs +
    t.durationRelative * Math.min(a.durationMs, b.durationMs) +
    t.durationEdge * Math.max(a.edgeMs, b.edgeMs);
  return Math.abs(a.durationMs - b.durationMs) / allowance;
}

/**
 * By how many ms two trimmed durations differ beyond the relative and edge shares of their
 * allowance (SAME_SOUND_THRESHOLDS): the measure of {@link COPY_DURATION_MS}.
 */
export function durationExcessMs(
  a: Pick<Fingerprint, 'durationMs' | 'edgeMs'>,
  b: Pick<Fingerprint, 'durationMs' | 'edgeMs'>,
): number {
  const t = SAME_SOUND_THRESHOLDS;
  return (
    Math.abs(a.durationMs - b.durationMs) -
    t.durationRelative * Math.min(a.durationMs, b.durationMs) -
    t.durationEdge * Math.max(a.edgeMs, b.edgeMs)
  );
}

/**
 * How many duration allowances apart two similar sounds can be: the duration scores
 * 1 / (1 + r²) for r allowances, and a pair below SIMILAR_MIN_SIMILARITY is distinct.
 */
export const SIMILAR_DURATION_ALLOWANCES = Math.sqrt(1 / SIMILAR_MIN_SIMILARITY - 1);

/**
 * Whether two fingerprints' durations allow them to be similar at least: a cheap test that
 * {@link compareFingerprints} would answer `distinct` when it fails.
 */
export function durationsMayBeSimilar(
  a: Pick<Fingerprint, 'durationMs' | 'edgeMs' | 'noise'>,
  b: Pick<Fingerprint, 'durationMs' | 'edgeMs' | 'noise'>,
): boolean {
  return durationScoreOf(a, b) <= SIMILAR_DURATION_ALLOWANCES;
}

/**
 * The verdict on `a` and `b` (see {@link compareFingerprintsDetailed}), with its similarity;
 * `sameSound` is `verdict === 'same'`.
 * @throws Error when a fingerprint's packed fields are not valid base64.
 */
export function compareFingerprints(
  a: Fingerprint,
  b: Fingerprint,
): { similarity: number; sameSound: boolean; verdict: SoundVerdict } {
  // The cheap measures first: a pair that fails one of them is not similar, and the
  // band-matrix alignment (most of the cost) is skipped. The similarity is then the lowest
  // score seen so far: below the bound, though perhaps above the full comparison's.
  const quick = quickSimilarity(a, b);
  if (quick < SIMILAR_MIN_SIMILARITY) {
    return { similarity: quick, sameSound: false, verdict: 'distinct' };
  }
  const { similarity, sameSound, verdict } = compareFingerprintsDetailed(a, b);
  return { similarity, sameSound, verdict };
}

/** What {@link quickSimilarity} reads of a fingerprint: its duration and long-term spectrum. */
export type FingerprintSummary = Pick<Fingerprint, 'durationMs' | 'edgeMs' | 'profile' | 'noise'>;

/**
 * An upper bound of the similarity from the duration and the long-term spectrum alone (no band
 * matrix): below 0.5, the two are not the same sound. A fraction of a full comparison's cost,
 * and it needs only ~220 bytes of each fingerprint, so a server can screen candidates before
 * it loads them whole.
 * @throws Error when a profile is not valid base64.
 */
export function quickSimilarity(
  a: FingerprintSummary,
  b: FingerprintSummary,
  /** Skip the pitch test (seven times the rest): a looser upper bound, to rank by. */
  spectrumOnly = false,
): number {
  const t = SAME_SOUND_THRESHOLDS;
  const duration = score(durationScoreOf(a, b));
  if (duration < 0.5) return duration;
  const { profileDb, pitchShift } = spectrumMeasures(a, b, spectrumOnly ? -Infinity : t.profileDb);
  return Math.min(
    duration,
    score(profileDb / t.profileDb),
    score(Math.max(0, pitchShift - 1) / (t.pitchShift - 1)),
  );
}
