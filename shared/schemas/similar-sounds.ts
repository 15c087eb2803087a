import { z } from 'zod';

/**
 * The library's similar sounds (tRPC `library.similar`, REST `GET /api/v1/audio/files/{id}/similar`):
 * first the files linked to one file by duplicate detection because they sound close to it
 * without being the same (another recording of one hit, an edit of it: "similar, both kept"),
 * then the files nearest to it by timbre (spectral shape, envelope, change over time: kick to
 * kicks, pad to pads). Field names are snake_case like the rest of the API.
 */

/** Most similar files one answer lists. */
export const MAX_SIMILAR_LISTED = 100;
/** Most files an answer lists for their timbre (after the duplicate-detection links). */
export const MAX_TIMBRE_LISTED = 20;

/**
 * Why a file is listed: `duplicate-detection`, linked as similar (both kept) when one of the two
 * was imported; `timbre`, among the nearest by timbre vector.
 */
export const similarReasonSchema = z.enum(['duplicate-detection', 'timbre']);
export type SimilarReason = z.infer<typeof similarReasonSchema>;

export const librarySimilarInputSchema = z.strictObject({
  id: z.uuid({ error: 'id must be the UUID of a file of your library' }),
});

/**
 * A file of the library close to the one asked about; similarity 0..1, higher is closer (the
 * fingerprint comparison's for a duplicate-detection link, the timbre vectors' for a timbre
 * neighbour, where 0.5 is unrelated: the two scales differ).
 */
export const similarFileSchema = z.object({
  id: z.uuid(),
  /** The path the file had under the folder it was imported from. */
  path: z.string(),
  kind: z.string().nullable(),
  duration_s: z.number().nullable(),
  similarity: z.number().min(0).max(1),
  reason: similarReasonSchema,
});
export type SimilarFile = z.infer<typeof similarFileSchema>;

/**
 * Duplicate-detection links first (closest first), then timbre neighbours not linked (closest
 * first, at most {@link MAX_TIMBRE_LISTED}); at most {@link MAX_SIMILAR_LISTED} in all.
 */
export const librarySimilarOutputSchema = z.object({
  items: z.array(similarFileSchema).max(MAX_SIMILAR_LISTED),
});
export type LibrarySimilarOutput = z.infer<typeof librarySimilarOutputSchema>;
