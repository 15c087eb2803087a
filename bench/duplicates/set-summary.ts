import { SPLITS, type SetLabels } from './set-labels.js';

const count = <T>(items: T[], key: (item: T) => string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

/** A few lines describing a set: files, sources and pairs per split, pairs per kind. */
export function summariseSet(labels: SetLabels): string {
  const lines: string[] = [];
  const splitOf = new Map(labels.files.map((f) => [f.path, f.split]));
  for (const split of SPLITS) {
    const files = labels.files.filter((f) => f.split === split);
    const roles = count(files, (f) => f.role);
    const sources = new Set(files.map((f) => f.source)).size;
    const pairs = labels.pairs.filter((p) => splitOf.get(p.a) === split);
    const same = pairs.filter((p) => p.label === 'same').length;
    lines.push(
      `${split}: ${files.length} files (${[...roles].map(([r, n]) => `${n} ${r}`).join(', ')}) from ${sources} sources; ` +
        `${pairs.length} pairs (${same} same, ${pairs.length - same} not-same)`,
    );
  }
  const kinds = count(labels.pairs, (p) => `${p.label} ${p.kind}`);
  lines.push(
    `pairs by kind: ${[...kinds]
      .sort()
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  if (labels.dropped.length > 0) {
    const reasons = count(labels.dropped, (p) => `${p.reason} ${p.kind}`);
    lines.push(
      `left out as one recording: ${[...reasons]
        .sort()
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
  }
  return lines.join('\n');
}
