/** The analysis core: pure functions from PCM to plain objects, shared by browser, CLI and server. */
export {
  ANALYSIS_SAMPLE_RATE,
  DETAIL_SAMPLE_RATE,
  DETAIL_WINDOW_S,
  MAX_ANALYSIS_WINDOW_S,
} from './constants.js';
export { createPcmAccumulator } from './pcm-accumulator.js';
export type { PcmAccumulator, StreamStats } from './pcm-accumulator.js';
export { createCanonicalWindow } from './canonical-window.js';
export type { DetailPcm } from './detail-window.js';
export type { CanonicalPcm, CanonicalWindow } from './canonical-window.js';
export { createWaveformBuilder } from './waveform.js';
export { analyseSound } from './analyze.js';
export type { AnalyseOptions, Hints, SoundAnalysis } from './analyze.js';
export type { SoundKind } from './kind.js';
export {
  keyIsUnsure,
  SURE_KEY_CONFIDENCE,
  SURE_TEMPO_CONFIDENCE,
  tempoIsUnsure,
} from './unsure.js';
export type { EssentiaKeyApi } from './key.js';
export {
  closestCandidates,
  compareFingerprints,
  compareFingerprintsDetailed,
  computeFingerprint,
  durationsMayBeSimilar,
  lengthsComparable,
  quickSimilarity,
  fingerprintIndexKeys,
  MAX_SOUND_CANDIDATES,
  SAME_SOUND_THRESHOLDS,
  SIMILAR_DURATION_ALLOWANCES,
  SIMILAR_MIN_SIMILARITY,
  SOUND_CANDIDATE_POOL,
  SoundKeyIndex,
} from './fingerprint/index.js';
export type { Fingerprint, FingerprintSummary, SoundVerdict } from './fingerprint/index.js';
export {
  FEATURE_NAMES as TIMBRE_FEATURE_NAMES,
  probeCells,
  TIMBRE_CELLS,
  TIMBRE_DIMENSIONS,
  TIMBRE_VERSION,
  timbreCell,
  timbreSimilarity,
  timbreVector,
} from './timbre/index.js';
