import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** One labelled fixture (fixtures/labels.json); truth holds by construction, see fixtures/README.md. */
export const fixtureLabelSchema = z.object({
  path: z.string(),
  kind: z.enum(['oneshot', 'loop', 'track']).nullable(),
  bpm: z.number().nullable(),
  key: z.string().nullable(),
  group: z.string(),
  relation: z.enum(['original', 'duplicate', 'near_miss']),
  variant_of: z.string().nullable(),
  transform: z.string().nullable(),
  hint_bpm: z.number().nullable(),
  hint_key: z.string().nullable(),
  expect_status: z.enum(['ok', 'error', 'skipped']),
  format: z.string().nullable(),
  drums: z.boolean().optional(),
  note: z.string().optional(),
});

export type FixtureLabel = z.infer<typeof fixtureLabelSchema>;

/**
 * The label of an original sound of a generated set: its own group (no copies), no hints,
 * expected to read, with its kind, truth and format.
 */
export function originalLabel(
  fields: Pick<FixtureLabel, 'path' | 'kind' | 'bpm' | 'key' | 'format'> &
    Pick<Partial<FixtureLabel>, 'drums' | 'note'>,
): FixtureLabel {
  return {
    group: fields.path,
    relation: 'original',
    variant_of: null,
    transform: null,
    hint_bpm: null,
    hint_key: null,
    expect_status: 'ok',
    ...fields,
  };
}

/** Reads and validates a labels file; throws with the zod issue when it does not match. */
export async function readLabels(path: string): Promise<FixtureLabel[]> {
  const json: unknown = JSON.parse(await readFile(path, 'utf8'));
  return z.object({ files: z.array(fixtureLabelSchema) }).parse(json).files;
}
