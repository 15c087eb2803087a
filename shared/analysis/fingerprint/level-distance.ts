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
  /** Cells this many dB or more under their frame's loudest cell (in either matrix) weigh nothing. */
  maskDb: number;
  /** Leave out the last common frame (matrices: the cut at the end of the sound). */
  skipLastFrame: boolean;
}

/** Distances in dB between two level matrices once aligned in time and gain. */
export interface LevelDistance {
  /** Level-weighted RMS difference over the frames both have, in dB. */
  global: number;
  /** The same over the worst window of `window` frames, in dB. */
  local: number;
  /** Frames by which `b` was shifted against `a` for the best fit. */
  lag: number;
  /**
   * Level-weighted RMS over bands of each band's mean difference over time, in dB: a lasting
   * change of timbre or balance (velocity, one part louder), which codec noise, varying from
   * frame to frame, hardly reaches.
   */
  bandBias: number;
}

/**
 * Compares two row-major level matrices in dB by shifting `b` by up to ±`maxLag` frames and
 * fitting one gain offset, keeping the best lag. Only frames that both have are compared
 * (durations are compared separately). Each cell is weighted by the square of its louder
 * level above `floorDb`, so that the loud parts decide and codec noise near the floor does not.
 */
export function levelDistance(
  a: Float32Array,
  b: Float32Array,
  o: LevelDistanceOptions,
): LevelDistance {
  const { bands, floorDb } = o;
  const ca = floored(a, floorDb);
  const cb = floored(b, floorDb);
  const [aLo, aHi] = neighbourRange(ca, bands, o.smearFrames);
  const [bLo, bHi] = neighbourRange(cb, bands, o.smearFrames);
  const aFrames = a.length / bands;
  const bFrames = b.length / bands;
  // Per-lag work arrays, sized for the longest overlap and reused from lag to lag.
  const maxSpan = Math.min(aFrames, bFrames);
  const frameMax = new Float32Array(maxSpan);
  const cellW = new Float64Array(maxSpan * bands);
  const frameE = new Float64Array(maxSpan);
  const frameW = new Float64Array(maxSpan);
  const biasSum = new Float64Array(bands);
  const biasSq = new Float64Array(bands);
  const biasW = new Float64Array(bands);
  const biasW2 = new Float64Array(bands);
  let best: LevelDistance = { global: Infinity, local: Infinity, lag: 0, bandBias: 0 };
  for (let lag = -o.maxLag; lag <= o.maxLag; lag++) {
    const first = Math.max(0, -lag);
    let span = Math.min(aFrames, bFrames - lag) - first;
    if (span <= 0) continue;
    const offsetB = lag * bands;
    // The last common frame is the tail's cut, where codecs leave end-of-stream artefacts.
    if (span > 2 && o.skipLastFrame) span--;
    for (let f = 0; f < span; f++) {
      let max = floorDb;
      for (let k = 0; k < bands; k++) {
        const i = (first + f) * bands + k;
        max = Math.max(max, ca[i]!, cb[i + offsetB]!);
      }
      frameMax[f] = max;
    }
    let sumW = 0;
    let sumD = 0;
    for (let f = 0; f < span; f++) {
      for (let k = 0; k < bands; k++) {
        const i = (first + f) * bands + k;
        const x = ca[i]!;
        const y = cb[i + offsetB]!;
        const w = weight(x, y, floorDb, frameMax[f]!, o.maskDb);
        cellW[f * bands + k] = w;
        sumW += w;
        sumD += w * (x - y);
      }
    }
    if (sumW === 0) continue;
    const gain = sumD / sumW;
    biasSum.fill(0);
    biasSq.fill(0);
    biasW.fill(0);
    biasW2.fill(0);
    let totalE = 0;
    for (let f = 0; f < span; f++) {
      let eSum = 0;
      let wSum = 0;
      for (let k = 0; k < bands; k++) {
        const i = (first + f) * bands + k;
        const j = i + offsetB;
        const x = ca[i]!;
        const w = cellW[f * bands + k]!;
        const y = cb[j]! + gain;
        const ex = outside(x, bLo[j]! + gain, bHi[j]! + gain);
        const ey = -outside(y, aLo[i]!, aHi[i]!);
        const signed = Math.abs(ex) >= Math.abs(ey) ? ex : ey;
        const e = Math.min(MAX_CELL_ERROR_DB, Math.abs(signed));
        biasSum[k]! += w * signed;
        biasSq[k]! += w * signed * signed;
        biasW[k]! += w;
        biasW2[k]! += w * w;
        eSum += w * e * e;
        wSum += w;
      }
      frameE[f] = eSum;
      frameW[f] = wSum;
      totalE += eSum;
    }
    const global = Math.sqrt(totalE / sumW);
    if (global < best.global) {
      // Each band's mean error, less what its frame-to-frame scatter alone would give (short
      // sounds have few frames, and a codec's random error must not read as a lasting one).
      let bias = 0;
      for (let k = 0; k < bands; k++) {
        const w = biasW[k]!;
        if (w <= 0) continue;
        const mean = biasSum[k]! / w;
        const variance = Math.max(0, biasSq[k]! / w - mean * mean);
        const effective = (w * w) / biasW2[k]!;
        bias += w * Math.max(0, mean * mean - variance / effective);
      }
      best = {
        global,
        local: worstWindow(frameE.subarray(0, span), frameW.subarray(0, span), sumW, o.window),
        lag,
        bandBias: Math.sqrt(bias / sumW),
      };
    }
  }
  return best;
}

/** A copy of `levels` with every value under `floorDb` raised to it (a loop: TypedArray.map calls back per value). */
function floored(levels: Float32Array, floorDb: number): Float32Array {
  const out = new Float32Array(levels.length);
  for (let i = 0; i < levels.length; i++) out[i] = Math.max(floorDb, levels[i]!);
  return out;
}

/**
 * Square of the louder level's height above the floor, times how far it is above the frame's
 * masking level (codecs quantise cells far under a frame's loudest band coarsely).
 */
function weight(x: number, y: number, floorDb: number, frameMax: number, maskDb: number): number {
  const level = Math.max(x, y);
  const r = (level - floorDb) / -floorDb;
  const masked = Math.min(1, Math.max(0, 1 - (frameMax - level) / maskDb));
  return r * r * masked;
}

/** How far `v` lies above (positive) or below (negative) [lo, hi]. */
function outside(v: number, lo: number, hi: number): number {
  return v < lo ? v - lo : v > hi ? v - hi : 0;
}

/** Per cell, the lowest and highest level of the same band within ±`radius` frames. */
function neighbourRange(
  m: Float32Array,
  bands: number,
  radius: number,
): [Float32Array, Float32Array] {
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

/**
 * {@link levelDistance}'s `global` and `lag` for one-band levels (a long-term spectrum compared
 * as frames, so that lags shift it in frequency) with no smearing and no masking: the same
 * numbers, operation for operation, without the per-cell ranges, bias and windows it would
 * compute and drop. A server screens hundreds of candidates by their spectrum per lookup.
 */
export function spectrumFit(
  a: Float32Array,
  b: Float32Array,
  floorDb: number,
  maxLag: number,
): { global: number; lag: number } {
  const ca = floored(a, floorDb);
  const cb = floored(b, floorDb);
  const weights = new Float64Array(Math.min(ca.length, cb.length));
  let best = { global: Infinity, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const first = Math.max(0, -lag);
    const span = Math.min(ca.length, cb.length - lag) - first;
    if (span <= 0) continue;
    let sumW = 0;
    let sumD = 0;
    for (let f = 0; f < span; f++) {
      const x = ca[first + f]!;
      const y = cb[first + f + lag]!;
      // weight() at a frame of one cell: the louder level is the frame's loudest, never masked.
      const r = (Math.max(x, y) - floorDb) / -floorDb;
      const w = r * r;
      weights[f] = w;
      sumW += w;
      sumD += w * (x - y);
    }
    if (sumW === 0) continue;
    const gain = sumD / sumW;
    let totalE = 0;
    for (let f = 0; f < span; f++) {
      const e = Math.min(
        MAX_CELL_ERROR_DB,
        Math.abs(ca[first + f]! - (cb[first + f + lag]! + gain)),
      );
      totalE += weights[f]! * e * e;
    }
    const global = Math.sqrt(totalE / sumW);
    if (global < best.global) best = { global, lag };
  }
  return best;
}
