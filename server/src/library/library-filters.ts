import { and, asc, desc, eq, gte, inArray, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { BpmRange } from '../../../shared/music/harmonic-fit.js';
import type { LibraryListInput, LibrarySort } from '../../../shared/schemas/index.js';
import { audioFiles } from '../db/schema.js';

/**
 * A `fits` filter once its sound is looked up: the sound left out, and the keys and tempo
 * ranges that fit it (null: no condition on that).
 */
export interface FitCondition {
  excludeId: string;
  keys: string[] | null;
  bpmRanges: BpmRange[] | null;
}

/** The filters of a library page, without its paging and order. */
export type LibraryFilters = Pick<
  LibraryListInput,
  'search' | 'kind' | 'bpm_min' | 'bpm_max' | 'key' | 'format'
> & { fit?: FitCondition };

/** `text` as a LIKE pattern that matches it literally (escape character `\`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** The SQL condition of an owner's files that pass `filters` (all of them, AND). */
export function libraryWhere(ownerId: string, filters: LibraryFilters): SQL {
  const f = audioFiles;
  const conditions: SQL[] = [eq(f.ownerId, ownerId)];
  if (filters.search) {
    conditions.push(sql`${f.originalPath} ilike ${`%${escapeLike(filters.search)}%`} escape '\\'`);
  }
  if (filters.kind !== undefined) conditions.push(eq(f.kind, filters.kind));
  if (filters.key !== undefined) conditions.push(eq(f.key, filters.key));
  if (filters.format !== undefined) conditions.push(eq(f.format, filters.format));
  if (filters.bpm_min !== undefined) conditions.push(gte(f.bpm, filters.bpm_min));
  if (filters.bpm_max !== undefined) conditions.push(lte(f.bpm, filters.bpm_max));
  if (filters.fit) conditions.push(...fitConditions(filters.fit));
  return and(...conditions)!;
}

/** The conditions of a fit: not the sound itself, one of the keys, within one of the ranges. */
function fitConditions(fit: FitCondition): SQL[] {
  const f = audioFiles;
  const conditions: SQL[] = [ne(f.id, fit.excludeId)];
  if (fit.keys) conditions.push(inArray(f.key, fit.keys));
  if (fit.bpmRanges) {
    conditions.push(
      or(...fit.bpmRanges.map(([min, max]) => and(gte(f.bpm, min), lte(f.bpm, max))))!,
    );
  }
  return conditions;
}

// Byte order, so that both databases (whatever their locale) page the same way.
const pathOrder = sql`lower(${audioFiles.originalPath}) collate "C"`;

/** The ORDER BY of a sort; the id breaks ties, so that pages never overlap or skip a file. */
export function libraryOrder(sort: LibrarySort): SQL[] {
  const f = audioFiles;
  switch (sort) {
    case 'newest':
      return [desc(f.createdAt), asc(f.id)];
    case 'name':
      return [asc(pathOrder), asc(f.id)];
    case 'bpm':
      return [sql`${f.bpm} asc nulls last`, asc(pathOrder), asc(f.id)];
    case 'duration':
      return [sql`${f.durationS} asc nulls last`, asc(pathOrder), asc(f.id)];
  }
}
