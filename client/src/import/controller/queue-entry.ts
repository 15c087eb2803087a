import { keyIsUnsure, tempoIsUnsure, type Fingerprint } from '../../../../shared/analysis/index.js';
import { toManifestEntry } from '../../../../shared/files/index.js';
import { formatKey, parseKey, toCamelot } from '../../../../shared/music/key-names.js';
import type { ManifestEntry, OnDuplicate } from '../../../../shared/schemas/index.js';
import type { QueueFile } from '../../queue/queue-types.js';

/** The BPM, key and kind a file is imported with: the user's corrections over the analysis. */
export function effective(file: QueueFile): {
  bpm: number | null;
  key: string | null;
  kind: string | null;
} {
  const a = file.analysis;
  return {
    bpm: file.edits.bpm !== undefined ? file.edits.bpm : (a?.bpm ?? null),
    key: file.edits.key !== undefined ? file.edits.key : (a?.key ?? null),
    kind: file.edits.kind ?? a?.kind ?? null,
  };
}

/**
 * Whether the analysis's tempo and key deserve a second listen (low confidence, no agreeing
 * hint); a value the user has set is never unsure.
 */
export function unsure(file: QueueFile): { bpm: boolean; key: boolean } {
  const a = file.analysis;
  if (!a) return { bpm: false, key: false };
  return {
    bpm: file.edits.bpm === undefined && tempoIsUnsure(a.bpm, a.bpmConfidence, a.hints.bpm),
    key: file.edits.key === undefined && keyIsUnsure(a.key, a.keyConfidence, a.hints.keyAgreement),
  };
}

/**
 * The manifest entry of a queue file (the same shape the CLI sends), with the user's
 * corrections applied and, for a duplicate, how to resolve it.
 */
export function queueEntry(
  file: QueueFile,
  fingerprint: Fingerprint | null,
  onDuplicate: OnDuplicate | null,
): ManifestEntry {
  const entry = toManifestEntry(
    {
      path: file.path,
      status: file.state === 'failed' ? 'error' : 'ok',
      error: file.reason,
      sizeBytes: file.sizeBytes,
      contentHash: file.contentHash,
      format: file.format,
      codec: file.codec,
      bitDepth: file.bitDepth,
      analysis: file.analysis ? { ...file.analysis, fingerprint } : null,
    },
    file.path,
  );
  if (entry.status !== 'ok') return entry;
  const { bpm: edited, key, kind } = effective(file);
  // A tempo is positive and finite; anything else the user typed means "no tempo".
  const bpm = edited !== null && Number.isFinite(edited) && edited > 0 ? edited : null;
  const parsed = key ? parseKey(key) : null;
  return {
    ...entry,
    bpm,
    bpm_confidence: file.edits.bpm !== undefined ? (bpm === null ? 0 : 1) : entry.bpm_confidence,
    key: parsed ? formatKey(parsed) : null,
    camelot: parsed ? toCamelot(parsed) : null,
    key_confidence: file.edits.key !== undefined ? (parsed ? 1 : 0) : entry.key_confidence,
    kind: (kind ?? entry.kind) as typeof entry.kind,
    ...(onDuplicate ? { on_duplicate: onDuplicate } : {}),
  };
}
