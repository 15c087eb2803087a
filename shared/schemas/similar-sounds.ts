import { z } from 'zod';

/**
 * The library's similar sounds (tRPC `library.similar`, REST `GET /api/v1/audio/files/{id}/similar`):
 * files linked to one file because they sound close to it without being the same (another
 * recording of one hit, an edit of it), both kept. Field names are snake_case like the rest of
 * the API.
 */

/** Most similar files one answer lists. */
export const MAX_SIMILAR_LISTED = 100;

export const librarySimilarInputSchema = z.strictObject({
  id: z.uuid({ error: 'id must be the UUID of a file of your library' }),
});

/** A file of the library close to the one asked about; similarity 0..1, higher is closer. */
export const similarFileSchema = z.object({
  id: z.uuid(),
  /** The path the file had under the folder it was imported from. */
  path: z.string(),
  kind: z.string().nullable(),
  duration_s: z.number().nullable(),
  similarity: z.number().min(0).max(1),
});
export type SimilarFile = z.infer<typeof similarFileSchema>;

/** Closest first, at most {@link MAX_SIMILAR_LISTED}. */
export const librarySimilarOutputSchema = z.object({
  items: z.array(similarFileSchema).max(MAX_SIMILAR_LISTED),
});
export type LibrarySimilarOutput = z.infer<typeof librarySimilarOutputSchema>;
