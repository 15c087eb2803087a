/** One cell's error is capped so that a single odd cell cannot decide alone. */
const MAX_CELL_ERROR_DB = 30;

/** How two level matrices are compared. */
export interface LevelDistanceOptions {
  /** Values per frame. */
  bands: number;
  /** `b` is shifted against `a` by up to this many frames either way. */
  maxLag: number;
  /** Frames in the window of the local (worst-window) distance. */
  window: number;
  /** Levels (dB below the loudest cell) under this count as this, and weigh nothing. */
  floorDb: number;
  /**
   * A cell within the range of the other matrix's cells up to this many frames away counts
   * as equal: codecs smear transients over ~20 ms (pre-echo), which must not count.
   */
  smearFrames: number;
}

/** Distances in dB between two level matrices once aligned in time and gain. */
export interface LevelDistance {
  /** Level-weighted RMS difference over the frames both have, in dB. */
  global: number;
  /** The same over the worst window of `window` frames, in dB. */
  local: number;
  /** Frames by which `b` was shifted against `a` for the best fit. */
  lag: number;
}

/**
 * Compares two row-major level matrices in dB by shifting `b` by up to ±`maxLag` frames and
 * fitting one gain offset, keeping the best lag. Only frames that both have are compared
 * (durations are compared separately). Each cell is weighted by the square of its louder
 * level above `floorDb`, so that the loud parts decide and codec noise near the floor does not.
 */
export function levelDistance(a: Float32Array, b: Float32Array, o: LevelDistanceOptions): LevelDistance {
  const { bands, floorDb } = o;
  const ca = a.map((v) => Math.max(floorDb, v));
  const cb = b.map((v) => Math.max(floorDb, v));
  const [aLo, aHi] = neighbourRange(ca, bands, o.smearFrames);
  const [bLo, bHi] = neighbourRange(cb, bands, o.smearFrames);
  const aFrames = a.length / bands;
  const bFrames = b.length / bands;
  let best: LevelDistance = { global: Infinity, local: Infinity, lag: 0 };
  for (let lag = -o.maxLag; lag <= o.maxLag; lag++) {
    const first = Math.max(0, -lag);
    const span = Math.min(aFrames, bFrames - lag) - first;
    if (span <= 0) continue;
    const offsetB = lag * bands;
    let sumW = 0;
    let sumD = 0;
    for (let i = first * bands; i < (first + span) * bands; i++) {
      const x = ca[i]!;
      const y = cb[i + offsetB]!;
      const w = weight(x, y, floorDb);
      sumW += w;
      sumD += w * (x - y);
    }
    if (sumW === 0) continue;
    const gain = sumD / sumW;
    const frameE = new Float64Array(span);
    const frameW = new Float64Array(span);
    let totalE = 0;
    for (let f = 0; f < span; f++) {
      for (let k = 0; k < bands; k++) {
        const i = (first + f) * bands + k;
        const j = i + offsetB;
        const x = ca[i]!;
        const y = cb[j]! + gain;
        const w = weight(x, y, floorDb);
        const e = Math.min(
          MAX_CELL_ERROR_DB,
          Math.max(outside(x, bLo[j]! + gain, bHi[j]! + gain), outside(y, aLo[i]!, aHi[i]!)),
        );
        frameE[f]! += w * e * e;
        frameW[f]! += w;
      }
      totalE += frameE[f]!;
    }
    const global = Math.sqrt(totalE / sumW);
    if (global < best.global) {
      best = { global, local: worstWindow(frameE, frameW, sumW, o.window), lag };
    }
  }
  return best;
}

function weight(x: number, y: number, floorDb: number): number {
  const r = (Math.max(x, y) - floorDb) / -floorDb;
  return r * r;
}

/** How far `v` lies outside [lo, hi]. */
function outside(v: number, lo: number, hi: number): number {
  return v < lo ? lo - v : v > hi ? v - hi : 0;
}

/** Per cell, the lowest and highest level of the same band within ±`radius` frames. */
function neighbourRange(m: Float32Array, bands: number, radius: number): [Float32Array, Float32Array] {
  const frames = m.length / bands;
  const lo = new Float32Array(m.length);
  const hi = new Float32Array(m.length);
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < bands; k++) {
      let min = Infinity;
      let max = -Infinity;
      for (let u = Math.max(0, t - radius); u <= Math.min(frames - 1, t + radius); u++) {
        const v = m[u * bands + k]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      lo[t * bands + k] = min;
      hi[t * bands + k] = max;
    }
  }
  return [lo, hi];
}

/** RMS error of the worst run of `window` frames; quiet runs are normalised by at least half the average weight. */
function worstWindow(e: Float64Array, w: Float64Array, totalW: number, window: number): number {
  const n = e.length;
  const len = Math.min(window, n);
  const minW = (0.5 * totalW * len) / n;
  let sumE = 0;
  let sumW = 0;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    sumE += e[i]!;
    sumW += w[i]!;
    if (i >= len) {
      sumE -= e[i - len]!;
      sumW -= w[i - len]!;
    }
    if (i >= len - 1) worst = Math.max(worst, Math.sqrt(Math.max(0, sumE) / Math.max(sumW, minW)));
  }
  return worst;
}
