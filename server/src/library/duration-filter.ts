import { desc, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import {
  lengthsComparable,
  SAME_SOUND_THRESHOLDS,
  SIMILAR_DURATION_ALLOWANCES,
} from '../../../shared/analysis/index.js';
import type { FingerprintInput } from '../../../shared/schemas/index.js';

/**
 * Rows whose fingerprint's trimmed duration could be that of the same sound as `fp`, or of a
 * similar one (the SQL form of `durationsMayBeSimilar`, shared/analysis). Index keys find candidates; this drops most of them in the database
 * before any fingerprint is read or compared.
 */
export function durationMayMatch(
  durationMs: PgColumn,
  edgeMs: PgColumn,
  fp: FingerprintInput,
): SQL {
  // A coarse file's length may be its noise's: no length screens its similar sounds out.
  if (!lengthsComparable(fp)) return sql`true`;
  const t = SAME_SOUND_THRESHOLDS;
  return sql`abs(${durationMs} - ${fp.durationMs}) <= ${SIMILAR_DURATION_ALLOWANCES} * (${t.durationMs} + ${t.durationRelative} * least(${durationMs}, ${fp.durationMs}) + ${t.durationEdge} * greatest(${edgeMs}, ${fp.edgeMs}))`;
}

/**
 * Orders rows by how many index keys they share with `keys`, most first. Index keys hold their
 * place: the key at position i names its table and grid (fingerprintIndexKeys), so two key
 * arrays share a key only at the same position, and counting equal positions counts the shared
 * keys. Per row that is 16 comparisons, where an array intersection ran a subquery per row
 * (half the query's time on PGlite).
 */
export function mostSharedKeysFirst(keysColumn: PgColumn, keys: string[]): SQL {
  return desc(
    sql`(${sql.join(
      keys.map((key, i) => sql`(${keysColumn}[${sql.raw(String(i + 1))}] = ${key})::int`),
      sql` + `,
    )})`,
  );
}
