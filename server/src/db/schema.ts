import { sql, type SQL } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type {
  EntryState,
  FingerprintInput,
  JobStatus,
  OnDuplicate,
} from '../../../shared/schemas/index.js';
import { LOSSLESS_FORMATS } from '../../../shared/analysis/fingerprint/fingerprint-types.js';
import type { ExcludedFile } from '../../../shared/files/index.js';

/** The tables of the server; one schema and one set of migrations for PGlite and PostgreSQL. */

/**
 * Rows whose fingerprint is older than the analysis now makes: `isCurrentFingerprint` (shared)
 * in SQL, with its constants written out (not parameters) so that a partial index can use it.
 */
export function outdatedFingerprint(t: {
  fpVersion: AnyPgColumn;
  fingerprint: AnyPgColumn;
  format: AnyPgColumn;
}): SQL {
  const formats = sql.raw(LOSSLESS_FORMATS.map((f) => `'${f}'`).join(', '));
  return sql`${t.fpVersion} <> 2 or (${t.fpVersion} = 2 and (${t.fingerprint} -> 'tail' is null or ${t.fingerprint} -> 'dcRemoved' is null or ${t.fingerprint} -> 'high' is null or (${t.fingerprint} -> 'lossless' is null and ${t.format} in (${formats}))))`;
}

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  /** Bytes this user may store; null: no limit. */
  quotaBytes: bigint('quota_bytes', { mode: 'number' }),
  /** Files this user may store; null: no limit. */
  quotaFiles: integer('quota_files'),
  createdAt: createdAt(),
});

/** Bearer tokens, stored as the SHA-256 of the token: the token itself is shown once. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

export interface JobErrorLogItem {
  path: string;
  reason: string;
  at: string;
}

export const importJobs = pgTable(
  'import_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status').$type<JobStatus>().notNull().default('queued'),
    source: text('source'),
    onDuplicate: text('on_duplicate').$type<OnDuplicate>().notNull().default('skip'),
    /** Set by the ingest call marked `last`: no more entries will come. */
    manifestClosed: boolean('manifest_closed').notNull().default(false),
    queued: integer('queued').notNull().default(0),
    processing: integer('processing').notNull().default(0),
    completed: integer('completed').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** Entries kept (waiting, uploading or done) with at least one similar link. */
    similar: integer('similar').notNull().default(0),
    /** Manifest entries refused at ingest (they never became entries), newest last, capped. */
    errorLog: jsonb('error_log').$type<JobErrorLogItem[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('import_jobs_owner_idx').on(t.ownerId, t.createdAt)],
);

export const importEntries = pgTable(
  'import_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Arrival order, so lists follow the manifest. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    state: text('state').$type<EntryState>().notNull(),
    reason: text('reason'),
    /** Whether retrying can help (a failed upload can; a file the client could not read cannot). */
    retryable: boolean('retryable').notNull().default(false),
    onDuplicate: text('on_duplicate').$type<OnDuplicate>(),
    contentHash: text('content_hash'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    fingerprint: jsonb('fingerprint').$type<FingerprintInput>(),
    fingerprintKeys: text('fingerprint_keys').array(),
    /** The fingerprint's trimmed duration and edge uncertainty (ms), to filter candidates in SQL. */
    fpDurationMs: doublePrecision('fp_duration_ms'),
    fpEdgeMs: doublePrecision('fp_edge_ms'),
    /** The fingerprint's long-term spectrum (base64, ~212 bytes), stored inline to screen candidates. */
    fpProfile: text('fp_profile'),
    /** The analysis as the client sent it (kind, bpm, key, loudness, ...). */
    analysis: jsonb('analysis').$type<Record<string, unknown>>(),
    duplicateOfAssetId: uuid('duplicate_of_asset_id'),
    duplicateOfEntryId: uuid('duplicate_of_entry_id'),
    duplicateMatch: text('duplicate_match').$type<'content' | 'sound'>(),
    /** The original path of the file or entry it duplicates, for people reading the answer. */
    duplicateOfPath: text('duplicate_of_path'),
    /** The asset this entry stored (or replaced). */
    assetId: uuid('asset_id'),
    uploadId: text('upload_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('import_entries_job_path_key').on(t.jobId, t.path),
    index('import_entries_job_state_idx').on(t.jobId, t.state),
    index('import_entries_job_hash_idx').on(t.jobId, t.contentHash),
    // fastupdate off: new keys go into the index itself, not into a pending list that every
    // search scans until a VACUUM, which PGlite never runs (15 ms a search at 5,000 files).
    index('import_entries_fp_keys_idx').using('gin', t.fingerprintKeys).with({ fastupdate: false }),
    index('import_entries_fp_duration_idx').on(t.jobId, t.fpDurationMs),
    index('import_entries_fp_edge_idx').on(t.jobId, t.fpEdgeMs),
    uniqueIndex('import_entries_upload_key').on(t.uploadId),
    // A user's uploads in progress, counted against the quota at each new upload.
    index('import_entries_owner_uploading_idx')
      .on(t.ownerId)
      .where(sql`${t.state} = 'uploading'`),
  ],
);

export const audioFiles = pgTable(
  'audio_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contentHash: text('content_hash').notNull(),
    fingerprint: jsonb('fingerprint').$type<FingerprintInput>(),
    /** Index keys of the fingerprint (shared/analysis `fingerprintIndexKeys`), GIN-indexed. */
    fingerprintKeys: text('fingerprint_keys')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** The fingerprint's trimmed duration and edge uncertainty (ms), to filter candidates in SQL. */
    fpDurationMs: doublePrecision('fp_duration_ms'),
    fpEdgeMs: doublePrecision('fp_edge_ms'),
    /** The fingerprint's long-term spectrum (base64, ~212 bytes), stored inline to screen candidates. */
    fpProfile: text('fp_profile'),
    /** The fingerprint's version, kept by the database: read without loading the fingerprint. */
    fpVersion: smallint('fp_version').generatedAlwaysAs(sql`("fingerprint" ->> 'v')::smallint`),
    /**
     * The sound's timbre vector (shared/analysis `timbreVector` of the fingerprint, unit length),
     * for "similar sounds", as its version and base64 of little-endian float32 (timbre-columns.ts;
     * bare base64 before versions); null without a fingerprint, or stored before it was computed
     * (the backfill at start fills it in from the stored fingerprint, and replaces a vector of an
     * earlier version). Not a `real[]` nor a `bytea`: a query reads thousands of rows,
     * and on PGlite printing and parsing their numbers as text took 20 times as long as reading
     * the row's id, the hex of a bytea 10 times, base64 text 3 times.
     */
    timbre: text('timbre'),
    /** The vector's index cell (`timbreCell`): a query reads the rows of a few cells. */
    timbreCell: smallint('timbre_cell'),
    durationS: doublePrecision('duration_s'),
    bpm: doublePrecision('bpm'),
    bpmConfidence: doublePrecision('bpm_confidence'),
    key: text('key'),
    keyConfidence: doublePrecision('key_confidence'),
    kind: text('kind'),
    loudnessLufs: doublePrecision('loudness_lufs'),
    peakDbfs: doublePrecision('peak_dbfs'),
    sampleRate: integer('sample_rate'),
    channels: integer('channels'),
    format: text('format'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    originalPath: text('original_path').notNull(),
    objectKey: text('object_key').notNull(),
    jobId: uuid('job_id').references(() => importJobs.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('audio_files_owner_hash_key').on(t.ownerId, t.contentHash),
    index('audio_files_fp_keys_idx').using('gin', t.fingerprintKeys).with({ fastupdate: false }),
    index('audio_files_fp_duration_idx').on(t.ownerId, t.fpDurationMs),
    index('audio_files_fp_edge_idx').on(t.ownerId, t.fpEdgeMs),
    index('audio_files_owner_created_idx').on(t.ownerId, t.createdAt),
    // The check at commit looks only at files stored or replaced since the entry's ingest.
    index('audio_files_owner_updated_idx').on(t.ownerId, t.updatedAt),
    // Files whose fingerprint is older than the analysis now makes (isCurrentFingerprint:
    // before version 2, version 2 without the decay's end, `tail`, without `dcRemoved` or
    // `high`, or a file of a format that may be lossless without `lossless`), for the
    // re-fingerprinting task: empty once it is done.
    index('audio_files_fp_outdated_idx').on(t.id).where(outdatedFingerprint(t)),
    // Similar sounds by timbre read the owner's rows of a few cells, never the whole library.
    index('audio_files_owner_timbre_cell_idx').on(t.ownerId, t.timbreCell),
    // Rows with a fingerprint and no timbre vector yet, for the backfill: empty once it is done.
    index('audio_files_timbre_missing_idx')
      .on(t.id)
      .where(sql`${t.timbre} is null and ${t.fingerprint} is not null`),
  ],
);

/**
 * What a kept entry is similar to (close, not certainly the same: both kept): an earlier entry
 * of its job or a library file, exactly one of the two. Made at ingest, and at commit for files
 * stored since; becomes links between library files as both ends are stored.
 */
export const importEntrySimilar = pgTable(
  'import_entry_similar',
  {
    entryId: uuid('entry_id')
      .notNull()
      .references(() => importEntries.id, { onDelete: 'cascade' }),
    similarEntryId: uuid('similar_entry_id').references(() => importEntries.id, {
      onDelete: 'cascade',
    }),
    similarAssetId: uuid('similar_asset_id').references(() => audioFiles.id, {
      onDelete: 'cascade',
    }),
    /** compareFingerprints' similarity, 0..1. */
    similarity: doublePrecision('similarity').notNull(),
  },
  (t) => [
    uniqueIndex('import_entry_similar_entry_key').on(t.entryId, t.similarEntryId),
    uniqueIndex('import_entry_similar_asset_key').on(t.entryId, t.similarAssetId),
    // The entries linked to one that is being stored, or whose content changed.
    index('import_entry_similar_target_idx').on(t.similarEntryId),
    index('import_entry_similar_asset_idx').on(t.similarAssetId),
    check(
      'import_entry_similar_one_target',
      sql`num_nonnulls(${t.similarEntryId}, ${t.similarAssetId}) = 1`,
    ),
  ],
);

/**
 * Library files that are similar, one row per direction (both written together), so either
 * file lists the other; removed with either file.
 */
export const audioFileSimilar = pgTable(
  'audio_file_similar',
  {
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    assetId: uuid('asset_id')
      .notNull()
      .references(() => audioFiles.id, { onDelete: 'cascade' }),
    similarAssetId: uuid('similar_asset_id')
      .notNull()
      .references(() => audioFiles.id, { onDelete: 'cascade' }),
    /** compareFingerprints' similarity, 0..1. */
    similarity: doublePrecision('similarity').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.assetId, t.similarAssetId] }),
    index('audio_file_similar_similar_idx').on(t.similarAssetId),
    check('audio_file_similar_not_self', sql`${t.assetId} <> ${t.similarAssetId}`),
  ],
);

/**
 * A job's S3 source: where the server lists and fetches the files, how far the listing is, and
 * the user's credentials for it, sealed (AES-256-GCM with the server's key) and cleared when
 * the job ends.
 */
export const bucketSources = pgTable('bucket_sources', {
  jobId: uuid('job_id')
    .primaryKey()
    .references(() => importJobs.id, { onDelete: 'cascade' }),
  ownerId: uuid('owner_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  bucket: text('bucket').notNull(),
  /** Empty, or ends with '/'. */
  prefix: text('prefix').notNull(),
  endpoint: text('endpoint'),
  region: text('region').notNull(),
  /** The sealed credentials; null once the job has ended (or was cancelled). */
  credentials: text('credentials'),
  /** The continuation token of the next page to list; null at the start and at the end. */
  nextToken: text('next_token'),
  listed: integer('listed').notNull().default(0),
  listingDone: boolean('listing_done').notNull().default(false),
  /** Objects of the recorded pages left out by the source's exclusions (not `.smignore` objects). */
  excluded: integer('excluded').notNull().default(0),
  /** The first MAX_EXCLUDED_SAMPLE of them, in key order, with why. */
  excludedSample: jsonb('excluded_sample').$type<ExcludedFile[]>().notNull().default([]),
  createdAt: createdAt(),
});

/** One object of a bucket source: listed, then taken (analysed and ingested, or failed). */
export const bucketObjects = pgTable(
  'bucket_objects',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    etag: text('etag').notNull(),
    taken: boolean('taken').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.jobId, t.key] }),
    index('bucket_objects_waiting_idx')
      .on(t.jobId)
      .where(sql`not ${t.taken}`),
  ],
);

/**
 * What an object of a user's bucket was found to hold when it was last fetched, by where it is
 * and its ETag: a later import of the same object (same store, bucket, key and ETag) is
 * decided from this without fetching it again. `entry` is the manifest entry without its path;
 * null for an object that is not audio.
 */
export const bucketObjectAnalyses = pgTable(
  'bucket_object_analyses',
  {
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The store's origin; '' for AWS. */
    endpoint: text('endpoint').notNull(),
    bucket: text('bucket').notNull(),
    key: text('key').notNull(),
    etag: text('etag').notNull(),
    entry: jsonb('entry').$type<Record<string, unknown> | null>(),
    analysedAt: timestamp('analysed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.endpoint, t.bucket, t.key, t.etag] })],
);
