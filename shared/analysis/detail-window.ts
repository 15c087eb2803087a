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
 * A detail window for a mono stream at `sampleRate` Hz. It only copies what arrives, so a short
 * file costs what it holds: the excerpt (125 ms) is resampled when the fingerprint knows where
 * the sound starts, not the whole window.
 */
export function createDetailWindow(sampleRate: number): DetailWindow {
  const capacity = Math.ceil(DETAIL_WINDOW_S * sampleRate);
  const chunks: Float32Array[] = [];
  let used = 0;
  return {
    push(mono) {
      const n = Math.min(capacity - used, mono.length);
      if (n <= 0) return;
      chunks.push(mono.slice(0, n));
      used += n;
    },
    finish() {
      const samples = chunks.length === 1 ? chunks[0]! : new Float32Array(used);
      if (chunks.length > 1) {
        let at = 0;
        for (const chunk of chunks) {
          samples.set(chunk, at);
          at += chunk.length;
        }
      }
      chunks.length = 0;
      return { samples, sampleRate };
    },
  };
}
