import { DETAIL_SAMPLE_RATE, DETAIL_WINDOW_S } from './constants.js';
import { createResampler, type StreamResampler } from './resample.js';

/** Keeps the first DETAIL_WINDOW_S of a mono stream at DETAIL_SAMPLE_RATE. */
export interface DetailWindow {
  /** Appends mono samples at the stream's own rate; past the window they are dropped unread. */
  push(mono: Float32Array): void;
  finish(): Float32Array;
}

/** A detail window for a mono stream at `inputRate` Hz (resampled unless it is already the rate). */
export function createDetailWindow(inputRate: number): DetailWindow {
  const capacity = DETAIL_WINDOW_S * DETAIL_SAMPLE_RATE;
  const kept = new Float32Array(capacity);
  let used = 0;
  let resampler: StreamResampler | null = createResampler(inputRate, DETAIL_SAMPLE_RATE);
  const keep = (samples: Float32Array) => {
    const n = Math.min(capacity - used, samples.length);
    kept.set(samples.subarray(0, n), used);
    used += n;
  };
  return {
    push(mono) {
      if (!resampler || used >= capacity) return;
      keep(resampler.push(mono));
    },
    finish() {
      if (resampler && used < capacity) keep(resampler.end());
      resampler = null;
      return kept.slice(0, used);
    },
  };
}
