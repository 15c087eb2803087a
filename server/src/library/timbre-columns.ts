import type { FingerprintInput } from '../../../shared/schemas/index.js';
import { timbreCell, timbreVector } from '../../../shared/analysis/index.js';

/** What a fingerprint fills in a library row for similar sounds by timbre. */
export interface TimbreColumns {
  timbre: number[] | null;
  timbreCell: number | null;
}

/**
 * The timbre vector and index cell of a fingerprint; nulls for none (a silent file) or one
 * whose packed fields do not decode (it is then found by nothing, as by the duplicate check).
 */
export function timbreColumns(fingerprint: FingerprintInput | null): TimbreColumns {
  if (!fingerprint) return { timbre: null, timbreCell: null };
  try {
    const vector = timbreVector(fingerprint);
    return { timbre: Array.from(vector), timbreCell: timbreCell(vector) };
  } catch {
    return { timbre: null, timbreCell: null };
  }
}
