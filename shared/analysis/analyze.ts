import { formatKey, toCamelot, type MusicalKey } from '../music/key-names.js';
import { computeFingerprint, type Fingerprint } from './fingerprint/index.js';
import {
  compareBpm,
  compareKey,
  loopTempoFromHint,
  resolveBpm,
  type BpmAgreement,
  type KeyAgreement,
} from './hint-agreement.js';
import { estimateKey, gateShape, type EssentiaKeyApi } from './key.js';
import { classifyKind, ONESHOT_MAX_S, type SoundKind } from './kind.js';
import type { CanonicalPcm, StreamStats } from './pcm-accumulator.js';
import { estimateTempo, type TempoEstimate } from './tempo/index.js';

/** Tempo and key that the file's name or tags state. */
export interface Hints {
  bpm: number | null;
  key: MusicalKey | null;
}

/** Everything the analysis says of one file's sound. Units in the names; plain data only. */
export interface SoundAnalysis {
  kind: SoundKind;
  durationS: number;
  sampleRate: number;
  channels: number;
  peakDbfs: number | null;
  loudnessLufs: number | null;
  /** Null for one-shots and material with no pulse. */
  bpm: number | null;
  /** 0..1; 0 when bpm is null. */
  bpmConfidence: number;
  /** `"F# minor"`, or null for unpitched material. */
  key: string | null;
  camelot: string | null;
  keyConfidence: number;
  hints: {
    bpm: number | null;
    key: string | null;
    bpmAgreement: BpmAgreement | null;
    keyAgreement: KeyAgreement | null;
  };
  waveform: number[];
  fingerprint: Fingerprint | null;
  /** Seconds of sound that tempo, key and fingerprint were read from (the whole file, or its start). */
  analysedS: number;
}

export interface AnalyseOptions {
  hints: Hints;
  /** essentia.js, loaded by the platform (Node worker or browser worker). */
  essentia: EssentiaKeyApi;
  /** When given, receives how long the fingerprint took (ms), to report time by stage. */
  timings?: { fingerprintMs: number };
  /**
   * The RMS of the source's quantisation noise in the canonical PCM, for a source stored at
   * under 16 bits (sourceNoiseRms); null or absent otherwise.
   */
  noiseRms?: number | null;
}

/**
 * Analyses one file's sound from the whole-stream measurements and its canonical PCM.
 * Pure: the caller decodes, streams through createPcmAccumulator, and passes both here.
 */
export function analyseSound(
  stats: StreamStats,
  canonical: CanonicalPcm,
  options: AnalyseOptions,
): SoundAnalysis {
  const { samples, sampleRate } = canonical;
  const measured: TempoEstimate =
    stats.durationS >= ONESHOT_MAX_S
      ? estimateTempo(centred(samples, TEMPO_WINDOW_S * sampleRate), sampleRate)
      : { bpm: null, confidence: 0, loopBeats: null };
  const hinted =
    measured.bpm === null ? loopTempoFromHint(stats.durationS, options.hints.bpm) : null;
  const tempo: TempoEstimate = hinted
    ? { ...measured, bpm: hinted.bpm, loopBeats: hinted.beats, confidence: HINTED_LOOP_CONFIDENCE }
    : measured;
  const kind = classifyKind(stats.durationS, tempo.bpm, tempo.loopBeats);
  const measuredBpm = kind === 'oneshot' ? null : tempo.bpm;
  const bpm = measuredBpm === null ? null : round2(resolveBpm(measuredBpm, options.hints.bpm));
  const shape = gateShape(kind, stats.durationS);
  const keyEstimate = estimateKey(samples, sampleRate, options.essentia, shape);
  const key = keyEstimate.key;
  const hintKey = options.hints.key;
  const fingerprintStart = performance.now();
  const fingerprint = computeFingerprint(
    samples,
    sampleRate,
    canonical.detail,
    options.noiseRms ?? null,
  );
  if (options.timings) options.timings.fingerprintMs = performance.now() - fingerprintStart;
  return {
    kind,
    durationS: stats.durationS,
    sampleRate: stats.sampleRate,
    channels: stats.channels,
    peakDbfs: stats.peakDbfs,
    loudnessLufs: stats.loudnessLufs,
    bpm,
    bpmConfidence: bpm === null ? 0 : round2(tempo.confidence),
    key: key ? formatKey(key) : null,
    camelot: key ? toCamelot(key) : null,
    keyConfidence: round2(keyEstimate.confidence),
    hints: {
      bpm: options.hints.bpm,
      key: hintKey ? formatKey(hintKey) : null,
      bpmAgreement:
        bpm !== null && options.hints.bpm !== null
          ? compareBpm(measuredBpm!, options.hints.bpm)
          : null,
      keyAgreement: key && hintKey ? compareKey(key, hintKey) : null,
    },
    waveform: stats.waveform,
    fingerprint,
    analysedS: samples.length / sampleRate,
  };
}

/** Confidence of a tempo that only the file's name or tags and its exact length support. */
const HINTED_LOOP_CONFIDENCE = 0.3;

/** Tempo is read from at most this many seconds from the middle of long material. */
const TEMPO_WINDOW_S = 60;

/** The middle `length` samples of `samples` (all of them when shorter), without copying. */
function centred(samples: Float32Array, length: number): Float32Array {
  const start = Math.max(0, Math.floor((samples.length - length) / 2));
  return samples.subarray(start, start + length);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
