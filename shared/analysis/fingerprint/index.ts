/**
 * Perceptual fingerprint: decides whether two files are the same sound (re-encoded, resampled,
 * gain-changed, down-mixed, padded with silence) or not (another tempo, pitch, instrument,
 * velocity, arrangement or mix), for 0.1 s one-shots as for 10-minute tracks, and gives index
 * keys a server can look candidates up by.
 *
 * Scheme (input: mono PCM, ANALYSIS_SAMPLE_RATE in practice):
 * 1. Trim: the sound runs from the first to the last ~3 ms block within 30 dB of its loudest
 *    block, refined to the sample with windows lying inside the sound (so a sound starting at
 *    sample 0 and the same sound after added silence get the same edges). Relative, so gain
 *    and added silence do not move it; far above codec noise. `edgeMs` records how slowly the
 *    envelope crosses the threshold, i.e. how uncertain the duration is. `tail` records where
 *    the decay then falls for good under -40 and -50 dB (when those lie above -95 dBFS), which
 *    a cut or a fade of the tail moves and a codec does not.
 * 2. Band matrix: Hann FFTs of 23 ms, band powers in 18 bands (one FFT bin each below 200 Hz,
 *    then third octaves to 4.8 kHz), pooled into frames of 11.6 ms × 2^n anchored at the
 *    trimmed start, n the smallest keeping ≤ 256 frames (11.6 ms up to 3 s, 743 ms for 3 min).
 * 3. Spectrum profile: the long-term spectrum from 186 ms FFTs (≤ 160 spread over the sound)
 *    on a quarter-tone grid 50-4800 Hz, which moves by two bins when the pitch moves a semitone.
 * 3b. High bands: from the sound's start at its own rate, its energy in four bands from 4.8 to
 *    19 kHz relative to 30-4800 Hz, and how long it lasts (high-bands.ts): for timbre, and
 *    for the duplicate decision within what the files' codecs allow.
 * 4. Both are stored as bytes (0.5 dB steps below their loudest cell: gain-free), base64;
 *    at most ~6.5 KB of JSON.
 * 5. Compare: matrices are brought to the same frame length, aligned over ±45 ms and given one
 *    gain offset. Cells are weighted by level, and not at all 30 dB or more under their frame's
 *    loudest band (masked: codecs quantise them coarsely); a cell within the range of the other
 *    matrix's neighbouring frames counts as equal (codec pre-echo). Measures: RMS dB difference
 *    overall and over the worst window (1/16 of the sound: one changed bar), and the lasting
 *    per-band bias (velocity, one part of a mix louder; debiased for frame-to-frame scatter).
 *    Profiles: RMS dB difference, and how much better they fit shifted by up to 3 quarter tones
 *    (pitch). Trimmed durations must agree within 15 ms + 1.2 % + half the edge uncertainty
 *    (a 2-3 % tempo change of a loop also wrecks the matrix alignment). Each measure maps to
 *    1 / (1 + (d / threshold)²); similarity is the lowest. A pair at 0.5 or more is the same
 *    sound when it is also one recording at one length (version 2, compare.ts): the decay
 *    ends of both `tail`s agree within 4 ms + 5 % + the larger uncertainty, and sounds up to
 *    8.8 s keep their trimmed length within 2 ms + 1.2 % + half the edge uncertainty and pass
 *    the fine-structure and envelope tests of their `detail`. Two lossless files
 *    (`lossless`, set from the decoder's codec) must also agree within LOSSLESS_COPY_LIMITS;
 *    any two files of known codecs (`lossy`) keep their high bands up to 13.4 kHz within
 *    twice what each codec's copies stray (HIGH_BANDS_COPY_STRAY_DB).
 * 6. Index keys: random-hyperplane LSH (8 tables × 6 bits, fixed seed) of the mean band levels,
 *    each combined with the duration bucket on two half-offset grids: 16 keys. A check gathers
 *    up to 256 sounds sharing keys (most shared first) and compares whole the 16 closest by
 *    `quickSimilarity` (candidates.ts).
 */
export type { Fingerprint } from './fingerprint-types.js';
export { computeFingerprint } from './compute.js';
export {
  compareFingerprints,
  compareFingerprintsDetailed,
  durationExcessMs,
  durationsMayBeSimilar,
  lengthsComparable,
  highBandsCopyLimitDb,
  quickSimilarity,
  SAME_SOUND_THRESHOLDS,
  SIMILAR_DURATION_ALLOWANCES,
  SIMILAR_MIN_SIMILARITY,
  tailExcessMs,
} from './compare.js';
export type { FingerprintComparison, FingerprintSummary, SoundVerdict } from './compare.js';
export { highBandsDifferenceDb } from './high-bands.js';
export { fingerprintIndexKeys } from './index-keys.js';
export {
  closestCandidates,
  MAX_SOUND_CANDIDATES,
  SOUND_CANDIDATE_POOL,
  SoundKeyIndex,
} from './candidates.js';
