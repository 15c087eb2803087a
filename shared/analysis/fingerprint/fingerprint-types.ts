import type { HighBands } from './high-bands.js';

/**
 * A perceptual fingerprint: JSON-serialisable, at most ~7 KB as JSON whatever the input length
 * (256 frames × 18 bands + 159 profile bytes, base64).
 */
export interface Fingerprint {
  /**
   * Version of the scheme. 2 adds `detail`; a version-1 fingerprint (stored by an earlier
   * release) is never taken for a certain copy of anything (see compareFingerprints).
   */
  v: 1 | 2;
  /** Duration of the sound between its trimmed edges (30 dB below its own maximum), in ms. */
  durationMs: number;
  /**
   * ms the envelope takes to cross the ±3 dB around that threshold at both edges together:
   * slow decays make the duration uncertain, and the comparison allows for it.
   */
  edgeMs: number;
  /** Length of one matrix frame in ms (11.6 ms × 2^n at 11025 Hz, at most 256 frames). */
  frameMs: number;
  /** Number of matrix frames. */
  frames: number;
  /**
   * Band levels over time, base64 of `frames` × 18 bytes (row-major, frame by frame):
   * 0.5 dB steps relative to the loudest cell (255), third-octave-ish bands 30-4800 Hz.
   */
  matrix: string;
  /** Long-term spectrum, base64 of 159 bytes: quarter-tone bins from 50 Hz, same scale. */
  profile: string;
  /**
   * Version 2: the fine structure of the sound's start at the source's own rate (base64),
   * which tells a codec copy from another recording of the same hit; absent for silence.
   */
  detail?: string;
  /**
   * Version 2, from December 2026: where the decay ends at deeper levels than the trimmed
   * duration (-40 and -50 dB under the loudest block), in ms from the trimmed start, with the
   * uncertainty of each like `edgeMs`. Two edits of one hit that differ only in a tail under
   * -30 dB (a cut, a fade) differ here. Fingerprints stored before it lack it.
   */
  tail?: TailEnd[];
  /**
   * From 5 December 2026: whether the file stored its audio losslessly (integer PCM of 16 bits
   * or more, float PCM, FLAC or ALAC), as its decoder said; false for lossy, 8-bit, or not
   * known (decoded by the second decoder). Two lossless copies of one sound differ only by
   * resampling, gain, depth, down-mix and padding, so a pair of them is held to the closer
   * limits of LOSSLESS_COPY_LIMITS (compare.ts); any other pair keeps the codec allowances.
   * Absent: stored before it was recorded. Set by the file analysis (`analysedFile`), not by
   * computeFingerprint, which sees only PCM.
   */
  lossless?: boolean;
  /**
   * From 6 December 2026: the lossy codec the file was decoded from (MP3, AAC, Vorbis, Opus),
   * as its decoder said; absent for any other codec, when not known, and when stored before.
   * How far a copy's high bands may stray depends on it (HIGH_BANDS_COPY_STRAY_DB, compare.ts).
   * Set by the file analysis, as `lossless` is.
   */
  lossy?: LossyCodec;
  /**
   * From 6 December 2026: `matrix` and `profile` are computed with each FFT frame's own mean
   * (its DC offset) taken out. Lossy codecs (Opus, AAC) filter DC out, so a file carrying an
   * offset while it sounds (some soundfonts' samples do) looked another sound than its copies
   * in the lowest bands. Absent: computed before, and computed again before it decides anything
   * (isCurrentFingerprint).
   */
  dcRemoved?: true;
  /**
   * From 7 December 2026, for a file stored at under 16 bits (8-bit PCM): the levels its
   * quantisation noise reaches. Under them the file holds noise, or nothing (a quiet decay
   * rounds to silence), where its source held the sound; the comparison reads both files only
   * above them (compare.ts). Absent for every other file.
   */
  noise?: SourceNoise;
  /**
   * From 6 December 2026: the sound's energy above the matrix's 4.8 kHz ceiling, in four bands
   * up to 19 kHz, and how long it lasts (computeHighBands), from its start at its own rate (at
   * 44.1 kHz when native ffmpeg decoded it).
   * It feeds similar sounds by timbre (hats, cymbals, breath), and the duplicate decision within
   * what the two files' codecs allow (HIGH_BANDS_COPY_STRAY_DB): codecs reshape these bands.
   * Absent: computed before, and computed again (isCurrentFingerprint).
   */
  high?: HighBands;
}

/** The lossy codecs whose copies' high bands the same-sound decision knows (Fingerprint.lossy). */
export const LOSSY_CODECS = ['mp3', 'aac', 'vorbis', 'opus'] as const;
export type LossyCodec = (typeof LOSSY_CODECS)[number];

/**
 * Formats whose files may be lossless: a fingerprint of one without `lossless` is outdated
 * (the flag could make a difference). ALAC in M4A is left out: rare, and telling it from AAC
 * would mean fetching every M4A again.
 */
export const LOSSLESS_FORMATS: readonly string[] = ['wav', 'aiff', 'flac'];

/** The levels of a coarse file's quantisation noise (Fingerprint.noise), in dB. */
export interface SourceNoise {
  /** In `matrix`, under its loudest cell. */
  matrixDb: number;
  /** In `profile`, under its loudest bin. */
  profileDb: number;
  /** In the level envelope, under its loudest block: the scale of `tail` and of the trim. */
  levelDb: number;
}

/** Where a sound's decay crosses `db` under its loudest block (Fingerprint.tail). */
export interface TailEnd {
  db: number;
  endMs: number;
  edgeMs: number;
}

/**
 * Whether a fingerprint is of the scheme this release computes (version 2 with `tail`,
 * `dcRemoved` and `high`, and `lossless` for a file of a format that may be lossless): one of
 * an older release is computed again before it decides anything new (the server's
 * re-fingerprinting, a bucket object's remembered analysis).
 */
export function isCurrentFingerprint(
  fingerprint: Pick<Fingerprint, 'v' | 'tail' | 'lossless' | 'dcRemoved' | 'high'>,
  format: string | null,
): boolean {
  return (
    fingerprint.v === 2 &&
    fingerprint.tail !== undefined &&
    fingerprint.dcRemoved === true &&
    fingerprint.high !== undefined &&
    (fingerprint.lossless !== undefined || !LOSSLESS_FORMATS.includes(format ?? ''))
  );
}
