import { ANALYSIS_SAMPLE_RATE, MAX_ANALYSIS_WINDOW_S } from './constants.js';

/** The canonical PCM the analysis functions take: mono at ANALYSIS_SAMPLE_RATE. */
export interface CanonicalPcm {
  samples: Float32Array;
  sampleRate: number;
  /** False when the stream was longer than MAX_ANALYSIS_WINDOW_S and only its start was kept. */
  complete: boolean;
}

export interface CanonicalWindow {
  /** Appends mono samples at ANALYSIS_SAMPLE_RATE; past the window they are counted, not kept. */
  push(mono: Float32Array): void;
  /** Whether more samples would still be kept. */
  readonly full: boolean;
  finish(): CanonicalPcm;
}

/** Collects the first MAX_ANALYSIS_WINDOW_S of canonical PCM in a growing buffer. */
export function createCanonicalWindow(): CanonicalWindow {
  const capacity = MAX_ANALYSIS_WINDOW_S * ANALYSIS_SAMPLE_RATE;
  let buffer = new Float32Array(Math.min(capacity, ANALYSIS_SAMPLE_RATE * 8));
  let kept = 0;
  let complete = true;
  return {
    push(mono) {
      const n = Math.min(capacity - kept, mono.length);
      if (n < mono.length) complete = false;
      if (kept + n > buffer.length) {
        const grown = new Float32Array(Math.min(capacity, Math.max(kept + n, buffer.length * 2)));
        grown.set(buffer.subarray(0, kept));
        buffer = grown;
      }
      buffer.set(mono.subarray(0, n), kept);
      kept += n;
    },
    get full() {
      return !complete;
    },
    finish() {
      return { samples: buffer.slice(0, kept), sampleRate: ANALYSIS_SAMPLE_RATE, complete };
    },
  };
}
