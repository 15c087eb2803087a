import { z } from 'zod';
import { MAX_TEMPO_TOLERANCE_PCT } from '../music/harmonic-fit.js';
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
 * - `kind`, `key` (in any spelling: "Eb major", "D# major", "ebm", "8A"; the file's key exactly), `format` (the stored format name: wav, aiff, caf,
 *   flac, mp3, ogg-vorbis, opus, m4a, wavpack, w64, wma, au);
 * - `bpm_min` / `bpm_max`: tempo range in BPM, both ends inclusive; files without a tempo are
 *   left out when either is given.
 * - `fits`: the id of one of the caller's sounds; keeps the sounds that fit with it (harmonic
 *   search, shared/music/harmonic-fit.ts): when it has a key, those in its key, its relative or
 *   a Camelot neighbour; when it has a tempo, those within ± `fits_tolerance_pct` % (default
 *   4) of it, of half or of double it. The sound itself is left out. An unknown id (or another
 *   user's) is NOT_FOUND; a sound with neither key nor tempo is UNPROCESSABLE.
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
    fits: z.uuid({ error: 'fits must be the id of a sound of your library' }).optional(),
    fits_tolerance_pct: z
      .number()
      .min(0)
      .max(
        MAX_TEMPO_TOLERANCE_PCT,
        `fits_tolerance_pct is a percentage from 0 to ${MAX_TEMPO_TOLERANCE_PCT}`,
      )
      .optional(),
    sort: librarySortSchema.default('newest'),
    limit: z.number().int().min(1).max(MAX_LIBRARY_PAGE).default(100),
    offset: z.number().int().min(0).default(0),
  })
  .refine((i) => i.bpm_min === undefined || i.bpm_max === undefined || i.bpm_min <= i.bpm_max, {
    message: 'bpm_min must not be greater than bpm_max',
    path: ['bpm_min'],
  })
  .refine((i) => i.fits_tolerance_pct === undefined || i.fits !== undefined, {
    message: 'fits_tolerance_pct goes with fits: give the id of the sound to fit with',
    path: ['fits_tolerance_pct'],
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

/** What a `fits` filter meant: the sound's key and tempo, and the keys and tempo ranges kept. */
export const libraryFitsSchema = z.object({
  id: z.uuid(),
  key: z.string().nullable(),
  bpm: z.number().nullable(),
  /** The sound's key on the Camelot wheel (`"8A"`), or null. */
  camelot: z.string().nullable(),
  /** The keys kept (any of them), or null when the sound has no key: any key then. */
  keys: z.array(z.string()).nullable(),
  /** The tempo ranges kept (any of them, both ends inclusive), or null when it has no tempo. */
  bpm_ranges: z.array(z.tuple([z.number(), z.number()])).nullable(),
  tolerance_pct: z.number(),
});
export type LibraryFits = z.infer<typeof libraryFitsSchema>;

export const libraryListOutputSchema = z.object({
  items: z.array(libraryItemSchema),
  /** How many files match the filters in all, over every page. */
  total: z.number().int().nonnegative(),
  /** Present when the request had `fits`: what it was expanded to. */
  fits: libraryFitsSchema.optional(),
});
export type LibraryListOutput = z.infer<typeof libraryListOutputSchema>;
