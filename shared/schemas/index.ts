/** zod schemas of every message that crosses a process or network boundary. */
export { analysisLineSchema } from './analysis-line.js';
export type { AnalysisLine } from './analysis-line.js';
export * from './bulk-import.js';
export * from './library.js';
export * from './similar-sounds.js';
export {
  excludedEventSchema,
  excludedFileSchema,
  excludedLineSchema,
  exclusionReasonSchema,
  MAX_EXCLUDED_SAMPLE,
} from './excluded-file.js';
export type { ExcludedEvent, ExcludedLine } from './excluded-file.js';
export { watchEventSchema } from './watch-event.js';
export type { WatchEvent } from './watch-event.js';
