import type { Fingerprint } from '../analysis/index.js';
import { LOSSLESS_FORMATS } from '../analysis/fingerprint/fingerprint-types.js';
import { RunDeduplicator } from '../files/run-dedupe.js';
import type { ManifestEntry } from '../schemas/index.js';

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
 * What bestCopiesFirst reads of a file from the manifest entry recorded for it (and the bit
 * depth its analysis found, which the entry does not carry); null without a readable entry.
 * Pure.
 */
export function entryCopy(
  path: string,
  entry: ManifestEntry | null | undefined,
  bitDepth: number | null,
): RunCopy | null {
  if (entry?.status !== 'ok') return null;
  return {
    path,
    contentHash: entry.content_hash,
    fingerprint: entry.fingerprint ?? null,
    quality: {
      format: entry.format ?? null,
      sampleRate: entry.sample_rate ?? null,
      bitDepth,
      sizeBytes: entry.size_bytes,
    },
  };
}

/**
 * A run's files (in scan order) reordered so that of each sound heard more than once, the best
 * copy (compareCopyQuality) comes first, in the place of the sound's first file, followed by
 * its other copies best first; every other file keeps its place. Sent to the server in this
 * order, the best copy is the one a job keeps (the server keeps the first of a sound and takes
 * the later ones for its duplicates). Files with `null` facts (failed analyses) keep their
 * place. Copies are found as `sm-import analyze` finds them (RunDeduplicator: identical bytes,
 * then the same sound); the wizard, which found them already, gives them to copiesTogether.
 */
export function bestCopiesFirst<T>(files: readonly T[], factsOf: (file: T) => RunCopy | null): T[] {
  const dedupe = new RunDeduplicator();
  const rootOf = new Map<T, string>();
  const quality = new Map<T, CopyQuality>();
  const rootByPath = new Map<string, string>();
  for (const file of files) {
    const facts = factsOf(file);
    if (!facts) continue;
    const { duplicate } = dedupe.checkSound(facts.path, facts.contentHash, facts.fingerprint);
    // A copy of identical bytes may point at a copy by sound: its root is that copy's root.
    const root = duplicate
      ? (rootByPath.get(duplicate.duplicateOf) ?? duplicate.duplicateOf)
      : facts.path;
    rootByPath.set(facts.path, root);
    rootOf.set(file, root);
    quality.set(file, facts.quality);
  }
  return copiesTogether(
    files,
    (file) => rootOf.get(file) ?? null,
    (a, b) => compareCopyQuality(quality.get(a)!, quality.get(b)!),
  );
}

/**
 * The manifest order of every importer: files in scan order, except that the copies of one
 * sound (`soundOf`: the same key for each; null for a file that is no one's copy) go together
 * in the place of the first of them, best first (`compare`, then scan order), so that the
 * server keeps the best and takes the others for its duplicates. Pure.
 */
export function copiesTogether<T>(
  files: readonly T[],
  soundOf: (file: T) => string | null,
  compare: (a: T, b: T) => number,
): T[] {
  const groups = new Map<string, { file: T; order: number }[]>();
  files.forEach((file, order) => {
    const sound = soundOf(file);
    if (sound === null) return;
    const group = groups.get(sound) ?? [];
    group.push({ file, order });
    groups.set(sound, group);
  });
  const ordered: T[] = [];
  for (const file of files) {
    const sound = soundOf(file);
    const group = sound === null ? undefined : groups.get(sound);
    if (!group) {
      if (sound === null) ordered.push(file);
      continue; // placed with its sound's first file
    }
    group.sort((a, b) => compare(a.file, b.file) || a.order - b.order);
    for (const member of group) ordered.push(member.file);
    groups.delete(sound!);
  }
  return ordered;
}
