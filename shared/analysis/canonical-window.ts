import { ANALYSIS_SAMPLE_RATE, MAX_ANALYSIS_WINDOW_S } from './constants.js';
import type { DetailPcm } from './detail-window.js';

/** The canonical PCM the analysis functions take: mono at ANALYSIS_SAMPLE_RATE. */
export interface CanonicalPcm {
  samples: Float32Array;
  sampleRate: number;
  /** False when the stream was longer than MAX_ANALYSIS_WINDOW_S and only its start was kept. */
  complete: boolean;
  /**
   * The first DETAIL_WINDOW_S of the same mono sound at the stream's own rate (or any rate of
   * at least DETAIL_SAMPLE_RATE), for the fingerprint's detail excerpt; null when the decoder
   * gave none.
   */
  detail: DetailPcm | null;
}

export interface CanonicalWindow {
  /** Appends mono samples at ANALYSIS_SAMPLE_RATE; past the window they are counted, not kept. */
  push(mono: Float32Array): void;
  /** Whether more samples would still be kept. */
  readonly full: boolean;
  finish(): CanonicalPcm;
}

/** The first block holds ~5.9 s; each next one twice the last, up to ~95 s. */
const FIRST_BLOCK = 1 << 16;
const MAX_BLOCK = 1 << 20;

/**
 * Keeps the first MAX_ANALYSIS_WINDOW_S of canonical PCM in blocks of growing size, so that a
 * long stream is copied once into them and once into the exact-sized result, never again on
 * every growth. A class, not closures, so that V8 optimises `push` once for the whole run.
 */
class BlockWindow implements CanonicalWindow {
  private readonly capacity = MAX_ANALYSIS_WINDOW_S * ANALYSIS_SAMPLE_RATE;
  private readonly blocks: Float32Array[] = [];
  private block = new Float32Array(Math.min(this.capacity, FIRST_BLOCK));
  /** Samples in `block`. */
  private used = 0;
  /** Samples in every block. */
  private kept = 0;
  private complete = true;

  push(mono: Float32Array): void {
    const n = Math.min(this.capacity - this.kept, mono.length);
    if (n < mono.length) this.complete = false;
    let from = 0;
    while (from < n) {
      if (this.used === this.block.length) {
        this.blocks.push(this.block);
        const size = Math.min(this.capacity - this.kept, MAX_BLOCK, 2 * this.block.length);
        this.block = new Float32Array(size);
        this.used = 0;
      }
      const take = Math.min(n - from, this.block.length - this.used);
      this.block.set(mono.subarray(from, from + take), this.used);
      this.used += take;
      from += take;
      this.kept += take;
    }
  }

  get full(): boolean {
    return !this.complete;
  }

  finish(): CanonicalPcm {
    const { blocks, block, used, kept, complete } = this;
    let samples: Float32Array;
    if (blocks.length === 0) {
      samples = used === block.length ? block : block.slice(0, used);
    } else {
      samples = new Float32Array(kept);
      let at = 0;
      for (const full of blocks) {
        samples.set(full, at);
        at += full.length;
      }
      samples.set(block.subarray(0, used), at);
    }
    return { samples, sampleRate: ANALYSIS_SAMPLE_RATE, complete, detail: null };
  }
}

/** Collects the first MAX_ANALYSIS_WINDOW_S of canonical PCM. */
export function createCanonicalWindow(): CanonicalWindow {
  return new BlockWindow();
}
