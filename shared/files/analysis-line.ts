import type { AnalysisLine } from '../schemas/index.js';
import type { FileAnalysis } from './file-analysis.js';
import type { StageTimes } from './stage-times.js';
import type { RunMatch } from './run-dedupe.js';

function round(value: number | null | undefined, digits: number): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Stage times to 0.01 ms. */
export function roundedStages(ms: StageTimes): StageTimes {
  const r = (v: number) => Math.round(v * 100) / 100;
  return {
    read: r(ms.read),
    hash: r(ms.hash),
    decode: r(ms.decode),
    analyse: r(ms.analyse),
    fingerprint: r(ms.fingerprint),
  };
}

/**
 * The `analyze --json` line of a file (the docs/architecture.md contract, snake_case), with what the run's
 * de-duplicator found of it (`match`; null when it was not checked).
 */
export function toAnalysisLine(file: FileAnalysis, match: RunMatch | null): AnalysisLine {
  const a = file.analysis;
  const duplicate = match?.duplicate ?? null;
  return {
    path: file.path,
    status: file.status,
    error: file.error,
    kind: a?.kind ?? null,
    duration_s: round(a?.durationS, 3),
    sample_rate: a?.sampleRate ?? null,
    channels: a?.channels ?? null,
    format: file.format,
    bpm: a?.bpm ?? null,
    bpm_confidence: a ? a.bpmConfidence : null,
    key: a?.key ?? null,
    camelot: a?.camelot ?? null,
    key_confidence: a ? a.keyConfidence : null,
    loudness_lufs: round(a?.loudnessLufs, 2),
    peak_dbfs: round(a?.peakDbfs, 2),
    content_hash: file.contentHash,
    duplicate_of: duplicate?.duplicateOf ?? null,
    duplicate_by: duplicate?.by ?? null,
    codec: file.codec,
    bit_depth: file.bitDepth,
    size_bytes: file.sizeBytes,
    bpm_hint: a?.hints.bpm ?? null,
    bpm_hint_agreement: a?.hints.bpmAgreement ?? null,
    key_hint: a?.hints.key ?? null,
    key_hint_agreement: a?.hints.keyAgreement ?? null,
    analysed_s: round(a?.analysedS, 3),
    stage_ms: file.stageMs ? roundedStages(file.stageMs) : null,
    similar_to: match?.similarTo ?? [],
  };
}
