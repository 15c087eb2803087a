/**
 * The order in which every importer takes the files of a folder: each folder's entries by name
 * (UTF-16 code units, as `sort()` compares strings), depth first. Of two files of one sound the
 * first in this order is the one a run meets first, so the CLI, the wizard and the benches that
 * replay a run must agree on it.
 */

/** Two names of one folder's entries, in scan order. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Two '/'-separated paths under one root, in scan order: folder by folder, so "Kit/a.wav" comes
 * before "Kit #2/a.wav" (whose whole paths compare the other way, ' ' being under '/').
 */
export function compareScanOrder(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const order = compareNames(pa[i]!, pb[i]!);
    if (order !== 0) return order;
  }
  return pa.length - pb.length;
}
