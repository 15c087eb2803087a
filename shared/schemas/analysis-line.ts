import { z } from 'zod';
import { canonicalKeyName } from '../music/key-names.js';

/**
 * A key as the contract names it (`"Eb major"`, `"F# minor"`). The other spelling of a black
 * key (`"D# major"`, which releases before December 2026 sent) is accepted and renamed.
 */
const keyNameSchema = z
  .string()
  .regex(/^[A-G][#b]? (major|minor)$/, 'key must be a key name such as "A minor" or "Eb major"')
  .transform((name) => canonicalKeyName(name) ?? name);

/**
 * One line of `sm-import analyze --json`: the contract in docs/architecture.md, one object per file.
 * Fields after `duplicate_of` extend it; existing ones are never renamed.
 */
export const analysisLineSchema = z.object({
  path: z.string(),
  status: z.enum(['ok', 'error', 'skipped']),
  error: z.string().nullable(),
  kind: z.enum(['oneshot', 'loop', 'track']).nullable(),
  duration_s: z.number().nonnegative().nullable(),
  sample_rate: z.number().int().positive().nullable(),
  channels: z.number().int().positive().nullable(),
  format: z.string().nullable(),
  bpm: z.number().positive().nullable(),
  bpm_confidence: z.number().min(0).max(1).nullable(),
  key: keyNameSchema.nullable(),
  camelot: z
    .string()
    .regex(/^(1[0-2]|[1-9])[AB]$/)
    .nullable(),
  key_confidence: z.number().min(0).max(1).nullable(),
  loudness_lufs: z.number().nullable(),
  peak_dbfs: z.number().nullable(),
  content_hash: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .nullable(),
  duplicate_of: z.string().nullable(),
  /** How the duplicate was recognised: identical bytes, or the same sound. */
  duplicate_by: z.enum(['content_hash', 'fingerprint']).nullable(),
  codec: z.string().nullable(),
  bit_depth: z.number().int().positive().nullable(),
  size_bytes: z.number().int().nonnegative().nullable(),
  bpm_hint: z.number().positive().nullable(),
  bpm_hint_agreement: z.enum(['agrees', 'octave', 'disagrees']).nullable(),
  key_hint: z.string().nullable(),
  key_hint_agreement: z.enum(['agrees', 'relative', 'disagrees']).nullable(),
  /** Seconds that tempo, key and fingerprint were read from: less than duration_s for very long files. */
  analysed_s: z.number().nonnegative().nullable(),
  /** ms this file took by stage (read, hash, decode, analyse, fingerprint); null when it failed early. */
  stage_ms: z
    .object({
      read: z.number(),
      hash: z.number(),
      decode: z.number(),
      analyse: z.number(),
      fingerprint: z.number(),
    })
    .nullable()
    .optional(),
  /**
   * Earlier files of the run that sound close without being certainly the same (two recordings
   * of one hit, an edit of it): both are kept. Best first, at most 5; empty for a duplicate.
   */
  similar_to: z.array(z.string()),
});

export type AnalysisLine = z.infer<typeof analysisLineSchema>;
