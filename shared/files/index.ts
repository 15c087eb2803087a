/**
 * Files, as the importer sees them: one file's analysis (from bytes in memory or streamed),
 * its `analyze --json` line, its manifest entry, and the same-sound check within one run.
 * Platform-neutral: the browser's workers and the CLI both use it.
 */
export { analyseSource, WHOLE_READ_MAX_BYTES } from './analyse-source.js';
export { analysedFile } from './analysed-file.js';
export type { AnalyseSourceDeps, ByteSource } from './analyse-source.js';
export {
  AccumulatingSink,
  claimsAudio,
  decodeInProcess,
  errorMessage,
  FLAC_LAST_BLOCK_FRAMES,
  hex64,
  missingFrames,
  truncation,
} from './decoded.js';
export type { Decoded } from './decoded.js';
export { failedAnalysis } from './file-analysis.js';
export type { FileAnalysis } from './file-analysis.js';
export { roundedStages, toAnalysisLine } from './analysis-line.js';
export { toManifestEntry } from './manifest-entry.js';
export { RunDeduplicator } from './run-dedupe.js';
export { compareNames, compareScanOrder } from './scan-order.js';
export type { DuplicateMatch, RunMatch } from './run-dedupe.js';
export { hintsFrom, hintsFromBytes, TAG_OPTIONS } from './tag-hints.js';
export { StageClock } from './stage-times.js';
export type { StageTimes } from './stage-times.js';
export {
  compileIgnoreFile,
  compilePatterns,
  describeExclusion,
  ExclusionPatternError,
  Exclusions,
  IGNORE_FILE,
  ignoreFileTooLarge,
  tooManyIgnoreFiles,
  isIgnoreFile,
  MAX_IGNORE_FILE_BYTES,
  MAX_IGNORE_FILES,
  MAX_PATTERN_LENGTH,
  MAX_PATTERNS,
} from './exclusions.js';
export type { ExcludedFile, ExclusionReason } from './exclusions.js';
export { buildExclusions, sortExcluded } from './exclusion-filter.js';
export type { ExclusionInput } from './exclusion-filter.js';
