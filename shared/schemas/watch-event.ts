import { z } from 'zod';

/**
 * The events `sm-import import PATH --watch --json` adds to an import's (docs/operator.md,
 * "Watching a folder"). Between them come each batch's own import events (`job`, `file`,
 * `bulk_import.update`, `note`) and its job's final status line, as a single import prints them.
 */
export const watchEventSchema = z.discriminatedUnion('type', [
  /** Once, after the first import: the folders are watched (`events`), or rescanned (`poll`). */
  z.object({
    type: z.literal('watching'),
    paths: z.array(z.string()),
    mode: z.enum(['events', 'poll']),
    /** Why `poll`: the watch that could not be made. */
    reason: z.string().nullable(),
  }),
  /**
   * A file found new or changed (told as its batch starts), or deleted (told when a scan no
   * longer finds it; nothing is ever deleted from the library).
   */
  z.object({
    type: z.literal('watch_change'),
    path: z.string(),
    change: z.enum(['added', 'changed', 'deleted']),
  }),
  /** A batch starts: one import run, one job, of `files` files that held still. */
  z.object({
    type: z.literal('watch_batch'),
    files: z.number().int().positive(),
    added: z.number().int().nonnegative(),
    changed: z.number().int().nonnegative(),
    /** Files new or changed that are left for later batches (still being written, or more). */
    waiting: z.number().int().nonnegative(),
  }),
  /**
   * The server did not answer through every retry, or refused the batch (a 4xx other than a
   * refused token): the batch is kept and tried again after `retry_in_ms`.
   */
  z.object({
    type: z.literal('watch_retry'),
    files: z.number().int().positive(),
    reason: z.string(),
    retry_in_ms: z.number().int().nonnegative(),
  }),
  /**
   * The last line once the watch began (`watching`): it was stopped (Ctrl-C, SIGTERM). A stop
   * during the first import ends as an interrupted import does, without it.
   */
  z.object({
    type: z.literal('watch_stopped'),
    /** Batches imported, and the files they took. */
    batches: z.number().int().nonnegative(),
    imported: z.number().int().nonnegative(),
    deleted: z.number().int().nonnegative(),
    /** Files seen new or changed and not imported: run the same command again to import them. */
    pending: z.number().int().nonnegative(),
  }),
]);
export type WatchEvent = z.infer<typeof watchEventSchema>;
