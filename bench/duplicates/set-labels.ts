import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** The two halves of the set: tune on `dev`, confirm on `validation` (sources never shared). */
export const SPLITS = ['dev', 'validation'] as const;
export type Split = (typeof SPLITS)[number];

/** Why two files are not the same sound (the negatives). */
export const NEGATIVE_KINDS = [
  'velocity-layer',
  'round-robin',
  'other-kit',
  'repitch',
  'tempo',
  'edit',
  'two-edits',
  'other-instrument',
] as const;
export type NegativeKind = (typeof NEGATIVE_KINDS)[number];

export const setFileSchema = z.object({
  /** Relative to the set folder. */
  path: z.string(),
  /** Where the sound comes from (a kit, a soundfont program, a generated sequence). */
  source: z.string(),
  split: z.enum(SPLITS),
  /** Files of one group are copies of one sound; any two files of different groups are not. */
  group: z.string(),
  role: z.enum(['original', 'copy', 'negative']),
  /** The copy variant (`mp3-128`) or the negative's transform (`trim60`); null for originals. */
  variant: z.string().nullable(),
  /** The file this one was made from; null for originals. */
  from: z.string().nullable(),
});
export type SetFile = z.infer<typeof setFileSchema>;

export const setPairSchema = z.object({
  a: z.string(),
  b: z.string(),
  label: z.enum(['same', 'not-same']),
  /** The copy variant for `same` pairs, a NegativeKind for `not-same` ones. */
  kind: z.string(),
  /** What exactly differs, for reading errors (`layer 2 of 5 vs layer 3`, `mp3-128 vs wav`). */
  detail: z.string(),
  /**
   * For two recordings: the highest normalised cross-correlation of their waveforms (mono,
   * 44.1 kHz, first second, onsets aligned, ±10 ms): how close the two really are, independently of the
   * fingerprint.
   */
  correlation: z.number().optional(),
});
export type SetPair = z.infer<typeof setPairSchema>;
export type DroppedPair = SetPair & { reason: 'copy' | 'ambiguous' };

export const setLabelsSchema = z.object({
  version: z.literal(1),
  seed: z.number(),
  quick: z.boolean(),
  files: z.array(setFileSchema),
  pairs: z.array(setPairSchema),
  /**
   * Negative pairs of two "recordings" left out because their waveforms are one: `copy` (the
   * same sample at another gain; their groups are one), `ambiguous` (one sample, filtered or
   * processed: neither a certain copy nor another recording; a merge is not counted).
   */
  dropped: z.array(setPairSchema.extend({ reason: z.enum(['copy', 'ambiguous']) })),
});
export type SetLabels = z.infer<typeof setLabelsSchema>;

const LABELS_FILE = 'labels.json';

/** Reads `DIR/labels.json`; throws with the zod issue when it does not match the schema. */
export async function readSetLabels(dir: string): Promise<SetLabels> {
  const json: unknown = JSON.parse(await readFile(join(dir, LABELS_FILE), 'utf8'));
  return setLabelsSchema.parse(json);
}

/** Writes `DIR/labels.json`. */
export async function writeSetLabels(dir: string, labels: SetLabels): Promise<void> {
  await writeFile(join(dir, LABELS_FILE), `${JSON.stringify(labels, null, 1)}\n`);
}

function sourceHash(source: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) {
    hash = Math.imul(hash ^ source.charCodeAt(i), 0x01000193) >>> 0;
  }
  hash = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) >>> 0;
  return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * Splits a family of sources (all kits, all programs of a sound set...) 60/40: ordered by a
 * fixed hash of their names, the first 60 % go to dev. Never depends on the seed, so a source
 * stays in its split across builds.
 */
export function assignSplits(sources: readonly string[]): Map<string, Split> {
  const ranked = [...new Set(sources)].sort(
    (a, b) => sourceHash(a) - sourceHash(b) || (a < b ? -1 : 1),
  );
  const dev = Math.round(0.6 * ranked.length);
  return new Map(ranked.map((source, i) => [source, i < dev ? 'dev' : 'validation']));
}
