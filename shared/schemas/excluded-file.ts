import { z } from 'zod';

/**
 * Why a file was left out (`ExclusionReason`, shared/files/exclusions.ts): the pattern as
 * written, where it is written (a `.smignore` path as the import names paths, `--exclude`, or a
 * request's `exclude`) and its 1-based line in that file (null for a pattern given alone).
 */
export const exclusionReasonSchema = z.object({
  pattern: z.string(),
  source: z.string(),
  line: z.number().int().positive().nullable(),
});

/**
 * A file `sm-import analyze --json` left out: a line on stderr, beside the scan problems, so
 * that stdout keeps one `analysisLineSchema` line per file analysed.
 */
export const excludedLineSchema = z.object({
  path: z.string(),
  excluded: exclusionReasonSchema,
});
export type ExcludedLine = z.infer<typeof excludedLineSchema>;

/**
 * A file `sm-import import --json` left out: an event of its own, right after the `scan`
 * event (whose `excluded` counts them); `path` as the import names files.
 */
export const excludedEventSchema = exclusionReasonSchema.extend({
  type: z.literal('excluded'),
  path: z.string(),
});
export type ExcludedEvent = z.infer<typeof excludedEventSchema>;

/**
 * A file (a bucket's object, by its path under the prefix) left out, and why: the wire form of
 * `ExcludedFile` (shared/files/exclusions.ts).
 */
export const excludedFileSchema = z.object({
  path: z.string(),
  reason: exclusionReasonSchema,
});

/**
 * How many of a bucket import's excluded objects are named, with their reasons (the first in
 * key order); the count goes on past it.
 */
export const MAX_EXCLUDED_SAMPLE = 100;
