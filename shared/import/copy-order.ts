import type { Fingerprint } from '../analysis/index.js';
import { LOSSLESS_FORMATS } from '../analysis/fingerprint/fingerprint-types.js';
import { RunDeduplicator } from '../files/run-dedupe.js';

/** What tells two copies of one sound apart in quality. */
export interface CopyQuality {
  /** The container format as the analysis names it (`wav`, `flac`, `mp3`…); null when unknown. */
  format: string | null;
  sampleRate: number | null;
  /** Bits per sample of PCM; null for lossy codecs and when unknown. */
  bitDepth: number | null;
  sizeBytes: number;
}

/**
 * Orders two copies of one sound, the better first: lossless before lossy, then the higher
 * sample rate, the greater bit depth, the more bytes (a higher bitrate). 0 when nothing tells
 * them apart: the caller keeps its order (scan order: the first file met).
 */
export function compareCopyQuality(a: CopyQuality, b: CopyQuality): number {
  const lossless =
    Number(LOSSLESS_FORMATS.includes(b.format ?? '')) -
    Number(LOSSLESS_FORMATS.includes(a.format ?? ''));
  if (lossless !== 0) return lossless;
  const rate = (b.sampleRate ?? 0) - (a.sampleRate ?? 0);
  if (rate !== 0) return rate;
  const depth = (b.bitDepth ?? 0) - (a.bitDepth ?? 0);
  if (depth !== 0) return depth;
  return b.sizeBytes - a.sizeBytes;
}

/** What {@link bestCopiesFirst} reads of a run's file. */
export interface RunCopy {
  path: string;
  contentHash: string;
  fingerprint: Fingerprint | null;
  quality: CopyQuality;
}

/**
 * A run's files (in scan order) reordered so that of each sound heard more than once, the best
 * copy (compareCopyQuality) comes first, in the place of the sound's first file, followed by
 * its other copies best first; every other file keeps its place. Sent to the server in this
 * order, the best copy is the one a job keeps (the server keeps the first of a sound and takes
 * the later ones for its duplicates), as the wizard keeps it. Files with `null` facts (failed
 * analyses) keep their place. Copies are found as `sm-import analyze` finds them
 * (RunDeduplicator: identical bytes, then the same sound).
 */
export function bestCopiesFirst<T>(files: readonly T[], factsOf: (file: T) => RunCopy | null): T[] {
  const dedupe = new RunDeduplicator();
  const rootOf = new Map<string, string>();
  const groups = new Map<string, { file: T; facts: RunCopy; order: number }[]>();
  files.forEach((file, order) => {
    const facts = factsOf(file);
    if (!facts) return;
    const { duplicate } = dedupe.checkSound(facts.path, facts.contentHash, facts.fingerprint);
    // A copy of identical bytes may point at a copy by sound: its root is that copy's root.
    const root = duplicate
      ? (rootOf.get(duplicate.duplicateOf) ?? duplicate.duplicateOf)
      : facts.path;
    rootOf.set(facts.path, root);
    const group = groups.get(root) ?? [];
    group.push({ file, facts, order });
    groups.set(root, group);
  });
  const ordered: T[] = [];
  files.forEach((file) => {
    const facts = factsOf(file);
    if (!facts) {
      ordered.push(file);
      return;
    }
    if (rootOf.get(facts.path) !== facts.path) return; // placed with its sound's first file
    const group = groups.get(facts.path)!;
    group.sort((a, b) => compareCopyQuality(a.facts.quality, b.facts.quality) || a.order - b.order);
    for (const member of group) ordered.push(member.file);
  });
  return ordered;
}
