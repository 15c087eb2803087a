import { DETAIL_WINDOW_S } from './constants.js';

/** The start of a sound as mono PCM at its own rate, for the fingerprint's detail excerpt. */
export interface DetailPcm {
  samples: Float32Array;
  sampleRate: number;
}

/** Keeps the first DETAIL_WINDOW_S of a mono stream at its own rate. */
export interface DetailWindow {
  /** Appends mono samples; past the window they are dropped unread. */
  push(mono: Float32Array): void;
  finish(): DetailPcm;
}

/**
 * A detail window for a mono stream at `sampleRate` Hz. It only copies: the excerpt (105 ms) is
 * resampled when the fingerprint knows where the sound starts, not the whole window.
 */
export function createDetailWindow(sampleRate: number): DetailWindow {
  const kept = new Float32Array(Math.ceil(DETAIL_WINDOW_S * sampleRate));
  let used = 0;
  return {
    push(mono) {
      const n = Math.min(kept.length - used, mono.length);
      if (n <= 0) return;
      kept.set(mono.subarray(0, n), used);
      used += n;
    },
    finish() {
      return { samples: kept.slice(0, used), sampleRate };
    },
  };
}
