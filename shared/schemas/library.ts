import { z } from 'zod';
import { canonicalKeyName } from '../music/key-names.js';
import { analysisLineSchema } from './analysis-line.js';

/**
 * The library page's contract (tRPC `library.list`): one page of the user's files that match
 * the filters, and how many match in all. Field names are snake_case like the rest of the API.
 */

/** Most files one page holds. */
export const MAX_LIBRARY_PAGE = 500;

export const librarySortSchema = z.enum(['newest', 'name', 'bpm', 'duration']);
export type LibrarySort = z.infer<typeof librarySortSchema>;

const kindSchema = analysisLineSchema.shape.kind.unwrap();
/** A key filter in any spelling a producer writes (`Eb major`, `D#`, `ebm`, `8A`), as its contract name. */
const keyFilterSchema = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const name = canonicalKeyName(text);
    if (name === null) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text.slice(0, 40)}" is not a key: write it like "A minor", "Eb major", "F#m" or "8A"`,
      });
      return z.NEVER;
    }
    return name;
  });
const bpmSchema = z.number().nonnegative().max(1000);

/**
 * `library.list` input. All filters are optional and combine with AND:
 * - `search`: case-insensitive substring of the file's original path (`%` and `_` are literal);
 * - `kind`, `key` (in any spelling: "Eb major", "D# major", "ebm", "8A"; the file's key exactly), `format` (the stored format name: wav, aiff, flac,
 *   mp3, ogg-vorbis, opus, m4a);
 * - `bpm_min` / `bpm_max`: tempo range in BPM, both ends inclusive; files without a tempo are
 *   left out when either is given.
 * `sort`: `newest` first (default), `name` (path, case-insensitive, A→Z), `bpm` or `duration`
 * (ascending, files without one last).
 */
export const libraryListInputSchema = z
  .strictObject({
    search: z.string().max(1024, 'search is longer than 1024 characters').optional(),
    kind: kindSchema.optional(),
    bpm_min: bpmSchema.optional(),
    bpm_max: bpmSchema.optional(),
    key: keyFilterSchema.optional(),
    format: z
      .string()
      .regex(/^[a-z0-9-]{1,16}$/, 'format must be a short lowercase name such as "wav"')
      .optional(),
    sort: librarySortSchema.default('newest'),
    limit: z.number().int().min(1).max(MAX_LIBRARY_PAGE).default(100),
    offset: z.number().int().min(0).default(0),
  })
  .refine((i) => i.bpm_min === undefined || i.bpm_max === undefined || i.bpm_min <= i.bpm_max, {
    message: 'bpm_min must not be greater than bpm_max',
    path: ['bpm_min'],
  });
/** What a caller sends (defaults may be left out). */
export type LibraryListRequest = z.input<typeof libraryListInputSchema>;
/** The input once parsed, defaults filled in. */
export type LibraryListInput = z.output<typeof libraryListInputSchema>;

/** One file of the library as the web app shows it. Durations in s, loudness in LUFS. */
export const libraryItemSchema = z.object({
  id: z.uuid(),
  /** The path the file had under the folder it was imported from. */
  path: z.string(),
  content_hash: z.string(),
  kind: z.string().nullable(),
  duration_s: z.number().nullable(),
  bpm: z.number().nullable(),
  key: z.string().nullable(),
  loudness_lufs: z.number().nullable(),
  format: z.string().nullable(),
  size_bytes: z.number().int().nonnegative(),
  created_at: z.string(),
});
export type LibraryItem = z.infer<typeof libraryItemSchema>;

export const libraryListOutputSchema = z.object({
  items: z.array(libraryItemSchema),
  /** How many files match the filters in all, over every page. */
  total: z.number().int().nonnegative(),
});
export type LibraryListOutput = z.infer<typeof libraryListOutputSchema>;
