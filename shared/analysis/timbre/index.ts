/**
 * Timbre: a compact vector of how a sound sounds, computed from its fingerprint, and the coarse
 * cells an index of them is kept in, for "similar sounds" (kick to kicks, pad to pads).
 */
export { FEATURE_NAMES, timbreFeatures } from './timbre-features.js';
export type { TimbreSource } from './timbre-features.js';
export {
  TIMBRE_DIMENSIONS,
  TIMBRE_VERSION,
  timbreSimilarity,
  timbreVector,
  timbreVectorOfFeatures,
} from './timbre-vector.js';
export { probeCells, TIMBRE_CELL_BITS, TIMBRE_CELLS, timbreCell } from './timbre-cell.js';
