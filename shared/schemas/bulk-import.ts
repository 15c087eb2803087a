import { z } from 'zod';
import { parseS3Url } from '../s3/s3-url.js';
import { compilePatterns, ExclusionPatternError, MAX_PATTERN_LENGTH } from '../files/exclusions.js';
import { LOSSY_CODECS } from '../analysis/fingerprint/fingerprint-types.js';
import { HIGH_BANDS, HIGH_CEILING_DB, HIGH_FLOOR_DB } from '../analysis/fingerprint/high-bands.js';
import { analysisLineSchema } from './analysis-line.js';
import { excludedFileSchema, MAX_EXCLUDED_SAMPLE } from './excluded-file.js';

/**
 * The REST v1 / tRPC contract of bulk imports (docs/architecture.md): one schema per message, used by the
 * server to validate and by clients to parse. Field names are snake_case like the CLI's JSON.
 */

/** Most entries one ingest call takes; larger manifests are sent in batches. */
export const MAX_ENTRIES_PER_INGEST = 1000;
/** Most items one preflight check takes. */
export const MAX_ITEMS_PER_CHECK = 5000;

export const jobStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const onDuplicateSchema = z.enum(['skip', 'replace', 'keep-both']);
export type OnDuplicate = z.infer<typeof onDuplicateSchema>;

/** A job entry's state on the server; the client's queue states map onto these. */
export const entryStateSchema = z.enum([
  'pending_upload',
  'uploading',
  'done',
  'duplicate',
  'failed',
  'cancelled',
]);
export type EntryState = z.infer<typeof entryStateSchema>;

export const contentHashSchema = z
  .string()
  .regex(
    /^[0-9a-f]{16}$/,
    'content_hash must be the xxh64 of the bytes as 16 lowercase hex digits',
  );

export const jobIdSchema = z.uuid({ error: 'job_id must be a UUID' });

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A file's path relative to the folder the import started from, '/'-separated: no absolute
 * paths, no '.' or '..' segments, no control characters, at most 1024 characters.
 */
export const relativePathSchema = z
  .string()
  .min(1, 'path is empty')
  .max(1024, 'path is longer than 1024 characters')
  .refine((p) => !CONTROL_CHARACTERS.test(p), 'path contains control characters')
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p), 'path must be relative')
  .refine((p) => !p.includes('\\'), "path must use '/' as separator")
  .refine(
    (p) => p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'),
    "path has an empty, '.' or '..' segment",
  );

/** The perceptual fingerprint as `computeFingerprint` returns it (shared/analysis). */
export const fingerprintSchema = z.strictObject({
  v: z.union([z.literal(1), z.literal(2)]),
  durationMs: z.number().nonnegative().max(1e8),
  edgeMs: z.number().nonnegative().max(1e8),
  frameMs: z.number().positive().max(1e6),
  frames: z.number().int().min(1).max(256),
  matrix: z
    .string()
    .max(8000)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'matrix must be base64'),
  profile: z
    .string()
    .max(400)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'profile must be base64'),
  detail: z
    .string()
    .max(8000)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'detail must be base64')
    .optional(),
  tail: z
    .array(
      z.strictObject({
        db: z.number().min(-120).max(0),
        endMs: z.number().nonnegative().max(1e8),
        edgeMs: z.number().nonnegative().max(1e8),
      }),
    )
    .max(4)
    .optional(),
  lossless: z.boolean().optional(),
  lossy: z.enum(LOSSY_CODECS).optional(),
  dcRemoved: z.literal(true).optional(),
  noise: z
    .strictObject({
      matrixDb: z.number().min(-130).max(30),
      profileDb: z.number().min(-130).max(30),
      levelDb: z.number().min(-130).max(30),
    })
    .optional(),
  high: z
    .strictObject({
      bandsDb: z.array(z.number().min(HIGH_FLOOR_DB).max(HIGH_CEILING_DB)).length(HIGH_BANDS),
      decayMs: z.number().nonnegative().max(1e7),
    })
    .optional(),
});
export type FingerprintInput = z.infer<typeof fingerprintSchema>;

const analysisFields = analysisLineSchema.pick({
  kind: true,
  duration_s: true,
  sample_rate: true,
  channels: true,
  format: true,
  bpm: true,
  bpm_confidence: true,
  key: true,
  camelot: true,
  key_confidence: true,
  loudness_lufs: true,
  peak_dbfs: true,
});

/**
 * One file of a manifest. `status: "error"` records a file the client could not read or
 * analyse, so that the job's error log holds it; such an entry needs no hash or analysis.
 */
export const manifestEntrySchema = z.discriminatedUnion('status', [
  analysisFields
    .partial()
    .extend({
      format: z
        .string()
        .regex(/^[a-z0-9-]{1,16}$/, 'format must be a short lowercase name such as "wav"')
        .nullable()
        .optional(),
      status: z.literal('ok'),
      path: relativePathSchema,
      content_hash: contentHashSchema,
      size_bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      fingerprint: fingerprintSchema.nullable().optional(),
      on_duplicate: onDuplicateSchema.optional(),
      /**
       * The content_hash this entry was sent with before, when the file changed on disk since:
       * the entry then takes the new content instead of being refused (409), as long as it was
       * not stored yet.
       */
      supersedes: contentHashSchema.optional(),
    })
    .strict(),
  z.strictObject({
    status: z.literal('error'),
    path: relativePathSchema,
    error: z.string().min(1).max(2000),
  }),
]);
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

export const initRequestSchema = z.strictObject({
  /** What the files come from, shown with the job ("sm-import /home/ana/Samples", "browser"). */
  source: z
    .string()
    .max(1024)
    .refine((s) => !CONTROL_CHARACTERS.test(s), 'source contains control characters')
    .optional(),
  on_duplicate: onDuplicateSchema.default('skip'),
});
export type InitRequest = z.input<typeof initRequestSchema>;

export const initResponseSchema = z.object({ job_id: z.uuid() });

/** Most patterns an S3 source's `exclude` holds. */
export const MAX_SOURCE_EXCLUDE = 100;

/**
 * Exclusion patterns of a request (gitignore syntax, relative to the bucket prefix), each
 * compiled here so that a bad one is refused with what is wrong with it.
 */
export const excludePatternsSchema = z
  .array(z.string().min(1).max(MAX_PATTERN_LENGTH))
  .max(MAX_SOURCE_EXCLUDE, `exclude takes at most ${MAX_SOURCE_EXCLUDE} patterns`)
  .superRefine((patterns, context) => {
    try {
      compilePatterns(patterns, 'exclude');
    } catch (error) {
      if (!(error instanceof ExclusionPatternError)) throw error;
      context.addIssue({ code: 'custom', message: error.message });
    }
  });

/**
 * An S3 source of an ingest call: the objects under `url` (`s3://bucket/prefix`), read with
 * the user's credentials, which the server keeps sealed for the job and forgets when it ends.
 * `endpoint` names an S3-compatible store other than AWS (the server must allow it).
 * `exclude` leaves out the objects its patterns match, as `.smignore` objects under the prefix
 * do (gitignore syntax, relative to the prefix).
 */
export const s3SourceSchema = z.strictObject({
  url: z
    .string()
    .max(1100)
    .refine(
      (u) => parseS3Url(u) !== null,
      'url must be s3://BUCKET/PREFIX with a valid bucket name',
    ),
  endpoint: z
    .url({ protocol: /^https?$/, error: 'endpoint must be an http(s):// URL' })
    .max(300)
    .optional(),
  region: z
    .string()
    .regex(/^[a-z0-9-]{2,32}$/, 'region must be an AWS region name such as eu-west-1')
    .optional(),
  access_key_id: z.string().min(1).max(256),
  secret_access_key: z.string().min(1).max(1024),
  session_token: z.string().min(1).max(8192).optional(),
  exclude: excludePatternsSchema.optional(),
});
export type S3Source = z.infer<typeof s3SourceSchema>;

/**
 * An ingest call. Entries are validated one by one (an invalid one is answered in `items`
 * without failing the others), so the envelope only requires `entries` to be an array here.
 * `last: true` closes the manifest: the job completes once every entry has ended.
 */
export const ingestRequestSchema = z.strictObject({
  job_id: jobIdSchema,
  entries: z.array(z.unknown()).optional(),
  /** A bucket the server lists and imports itself, instead of `entries`. */
  source: z.strictObject({ s3: s3SourceSchema }).optional(),
  last: z.boolean().optional(),
});

export const duplicateOfSchema = z.object({
  /** The library asset this entry is the same sound as, when it is one. */
  asset_id: z.uuid().nullable(),
  /** The earlier entry of the same job it is the same sound as, when it is one. */
  entry_id: z.uuid().nullable(),
  path: z.string(),
  match: z.enum(['content', 'sound']),
});

/** At most this many similar sounds are named for one entry or preflight item. */
export const MAX_SIMILAR_TO = 5;

/**
 * A sound close to this one without being certainly the same (another recording of one hit,
 * an edit of it): both are kept, and linked. `entry_id`: an earlier entry of the same job;
 * `asset_id`: the library file (for an entry, once it is stored); `path`: its original path.
 */
export const similarToSchema = z.object({
  asset_id: z.uuid().nullable(),
  entry_id: z.uuid().nullable(),
  path: z.string(),
});
export type SimilarTo = z.infer<typeof similarToSchema>;

/** Best first; empty for a duplicate. Defaults to empty in answers of servers before it. */
const similarToListSchema = z.array(similarToSchema).max(MAX_SIMILAR_TO).default([]);

export const ingestItemSchema = z.object({
  index: z.number().int().nonnegative(),
  path: z.string().nullable(),
  ok: z.boolean(),
  entry_id: z.uuid().nullable(),
  state: entryStateSchema.nullable(),
  /** True when the client should upload this entry's bytes (tus, metadata `entry_id`). */
  upload: z.boolean(),
  duplicate_of: duplicateOfSchema.nullable(),
  /** Earlier entries of the job and library files this kept entry is similar to. */
  similar_to: similarToListSchema,
  /** Why the entry was refused or failed. */
  reason: z.string().nullable(),
  /** HTTP-like status of a refused entry: 409 for a path re-sent with other bytes, 422 invalid. */
  status_code: z.number().int().nullable(),
});
export type IngestItem = z.infer<typeof ingestItemSchema>;

export const totalsSchema = z.object({
  queued: z.number().int().nonnegative(),
  processing: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Entries kept (waiting, uploading or stored) that are similar to at least one sound. */
  similar: z.number().int().nonnegative().default(0),
});
export type Totals = z.infer<typeof totalsSchema>;

export const jobErrorSchema = z.object({ path: z.string(), reason: z.string() });

/**
 * The listing of a job that imports a bucket: objects listed to import so far, whether the
 * listing is done, and the objects left out by the source's `exclude` or a `.smignore` under
 * the prefix (`.smignore` objects themselves are in neither): their count, and the first
 * MAX_EXCLUDED_SAMPLE of them in key order with the pattern that excluded each.
 */
export const bucketListingSchema = z.object({
  listed: z.number().int().nonnegative(),
  listing_done: z.boolean(),
  excluded: z.number().int().nonnegative(),
  excluded_sample: z.array(excludedFileSchema).max(MAX_EXCLUDED_SAMPLE),
});
export type BucketListing = z.infer<typeof bucketListingSchema>;

/** `GET /api/v1/audio/bulk-import/{job_id}/status`, and the last line of `sm-import import --json`. */
export const jobStatusResponseSchema = z.object({
  job_id: z.uuid(),
  status: jobStatusSchema,
  totals: totalsSchema,
  errors: z.array(jobErrorSchema),
  source: z.string().nullable(),
  on_duplicate: onDuplicateSchema,
  manifest_closed: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  /** Only for a job that imports a bucket (an ingest call with an S3 source). */
  bucket: bucketListingSchema.optional(),
});
export type JobStatusResponse = z.infer<typeof jobStatusResponseSchema>;

export const ingestResponseSchema = z.object({
  job_id: z.uuid(),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  items: z.array(ingestItemSchema),
  job: jobStatusResponseSchema,
});
export type IngestResponse = z.infer<typeof ingestResponseSchema>;

/** A retry's answer: the entries put back to wait for their upload, and the job after it. */
export const retryResponseSchema = z.object({
  retried: z.array(z.object({ entry_id: z.uuid(), path: z.string() })),
  job: jobStatusResponseSchema,
});
export type RetryResponse = z.infer<typeof retryResponseSchema>;

/** Preflight (Immich's bulk-upload-check): which of these sounds the library already holds. */
export const checkRequestSchema = z.strictObject({
  items: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(200),
        content_hash: contentHashSchema,
        fingerprint: fingerprintSchema.nullable().optional(),
      }),
    )
    .max(MAX_ITEMS_PER_CHECK, `send at most ${MAX_ITEMS_PER_CHECK} items per check`),
});

export const checkResultSchema = z.object({
  id: z.string(),
  action: z.enum(['accept', 'reject']),
  reason: z.enum(['duplicate']).nullable(),
  asset_id: z.uuid().nullable(),
  match: z.enum(['content', 'sound']).nullable(),
  /** Library files close to an accepted item (`entry_id` null). */
  similar_to: similarToListSchema,
});
export const checkResponseSchema = z.object({ results: z.array(checkResultSchema) });
export type CheckResponse = z.infer<typeof checkResponseSchema>;

/** One file whose state changed, as carried by `bulk_import.update`. */
export const fileUpdateSchema = z.object({
  entry_id: z.uuid(),
  path: z.string(),
  state: entryStateSchema,
  reason: z.string().nullable(),
  asset_id: z.uuid().nullable(),
  similar_to: similarToListSchema,
});
export type FileUpdate = z.infer<typeof fileUpdateSchema>;

export const bulkImportUpdateSchema = z.object({
  type: z.literal('bulk_import.update'),
  job_id: z.uuid(),
  status: jobStatusSchema,
  totals: totalsSchema,
  files: z.array(fileUpdateSchema),
});
export type BulkImportUpdate = z.infer<typeof bulkImportUpdateSchema>;

/** The body of every error answer of the REST API. */
export const apiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
