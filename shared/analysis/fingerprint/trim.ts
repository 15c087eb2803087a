/** Where a sound starts and ends once leading and trailing silence is ignored. */
export interface TrimmedRegion {
  /** First sample of the sound. */
  startSample: number;
  /** One past its last sample. */
  endSample: number;
  /**
   * Seconds the envelope takes to cross from 3 dB under to 3 dB over the threshold at the
   * start plus the same at the end: how far a small level error (codec) can move the edges.
   */
  edgeS: number;
  /**
   * Where the decay after the trimmed end falls for good under each of
   * {@link TAIL_THRESHOLDS_DB}: seconds from `startSample` to the first block from which the
   * envelope stays that many dB under the loudest for 50 ms, and how long the envelope takes
   * to cross ±3 dB around it there. An edit (a cut or a fade of the tail) moves these while
   * it leaves the sound above -30 dB alone; a codec copy does not.
   */
  tail: { db: number; endS: number; edgeS: number }[];
  /** Energy of the loudest smoothed block, in dB full scale: the scale of `tail`'s levels. */
  peakDbfs: number;
}

/** The levels (dB under the loudest block) at which the decay's end is measured. */
export const TAIL_THRESHOLDS_DB = [-40, -50] as const;
/**
 * A tail level under this (block RMS, dBFS) is not measured: 16-bit quantisation noise lies
 * about 12 dB under it at the analysis rate, and there a copy's decay need not end where the
 * original's does.
 */
const TAIL_FLOOR_DBFS = -95;
/**
 * The decay ends where the envelope stays under the level for this long (or the file ends): a
 * later blip (a click, a note bleeding in one channel) is not part of it.
 */
const TAIL_HOLD_S = 0.05;

/** Block length of the trimming envelope, in seconds. */
const BLOCK_S = 0.0029;
/** The sound is where its envelope is within this many dB of its own maximum. */
export const TRIM_RELATIVE_DB = -30;
/** Inputs whose loudest block is below this RMS level in dBFS count as silent. */
export const SILENCE_FLOOR_DBFS = -80;

/**
 * Finds the sound inside `samples`: from the first to the last ~3 ms block whose smoothed
 * energy is within 30 dB of the loudest block. The threshold is relative to the sound's own
 * level, so gain changes do not move the edges, and sits well above codec noise and dither.
 * Returns null when no block reaches {@link SILENCE_FLOOR_DBFS}.
 */
export function findTrimmedRegion(samples: Float32Array, sampleRate: number): TrimmedRegion | null {
  const block = Math.max(1, Math.round(BLOCK_S * sampleRate));
  const blocks = Math.ceil(samples.length / block);
  if (blocks === 0) return null;
  const energy = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const end = Math.min(samples.length, (b + 1) * block);
    let sum = 0;
    for (let i = b * block; i < end; i++) sum += samples[i]! * samples[i]!;
    energy[b] = sum / block;
  }
  const smooth = new Float64Array(blocks);
  let max = 0;
  for (let b = 0; b < blocks; b++) {
    const prev = b > 0 ? energy[b - 1]! : 0;
    const next = b + 1 < blocks ? energy[b + 1]! : 0;
    smooth[b] = (prev + energy[b]! + next) / 3;
    if (smooth[b]! > max) max = smooth[b]!;
  }
  if (max <= 10 ** (SILENCE_FLOOR_DBFS / 10)) return null;
  const threshold = max * 10 ** (TRIM_RELATIVE_DB / 10);
  let first = 0;
  while (smooth[first]! < threshold) first++;
  let last = blocks - 1;
  while (smooth[last]! < threshold) last--;
  const edgeBlocks =
    firstAbove(smooth, threshold * EDGE_RATIO) -
    firstAbove(smooth, threshold / EDGE_RATIO) +
    lastAbove(smooth, threshold / EDGE_RATIO) -
    lastAbove(smooth, threshold * EDGE_RATIO);
  // Refine both edges to the sample, with windows that lie inside the sound (ending at the
  // start, starting at the end), so that a sound beginning at the file's first sample and the
  // same sound after added silence get the same edges; matrix frames are anchored at the start.
  const window = 3 * block;
  const energyThreshold = threshold * window;
  const start = crossing(
    samples,
    (first - 1) * block,
    (first + 4) * block,
    window,
    energyThreshold,
    1,
  );
  const end = crossing(
    samples,
    (last + 2) * block,
    (last - 3) * block,
    window,
    energyThreshold,
    -1,
  );
  const floor = 10 ** (TAIL_FLOOR_DBFS / 10);
  const hold = Math.round((TAIL_HOLD_S * sampleRate) / block);
  const tail = TAIL_THRESHOLDS_DB.filter((db) => max * 10 ** (db / 10) >= floor).map((db) => {
    const level = max * 10 ** (db / 10);
    const endOf = (l: number): number => decayEnd(smooth, last, l, hold);
    return {
      db,
      endS: Math.max(0, endOf(level) * block - start) / sampleRate,
      edgeS: ((endOf(level / EDGE_RATIO) - endOf(level * EDGE_RATIO)) * block) / sampleRate,
    };
  });
  return {
    startSample: start,
    endSample: Math.max(start + 1, end),
    edgeS: (edgeBlocks * block) / sampleRate,
    tail,
    peakDbfs: 10 * Math.log10(max),
  };
}

/** 3 dB in energy. */
const EDGE_RATIO = 10 ** 0.3;

/**
 * The first block after `from` from which the envelope stays under `level` for `hold` blocks
 * (blocks past the end count as silence).
 */
function decayEnd(e: Float64Array, from: number, level: number, hold: number): number {
  let quiet = 0;
  for (let b = from + 1; b < e.length; b++) {
    quiet = e[b]! < level ? quiet + 1 : 0;
    if (quiet >= hold) return b - hold + 1;
  }
  return e.length - quiet;
}

function firstAbove(e: Float64Array, threshold: number): number {
  let i = 0;
  while (i < e.length - 1 && e[i]! < threshold) i++;
  return i;
}

function lastAbove(e: Float64Array, threshold: number): number {
  let i = e.length - 1;
  while (i > 0 && e[i]! < threshold) i--;
  return i;
}

/**
 * Scans positions from `from` towards `to` (step `dir`) and returns the first whose window
 * energy (sum of squares over the `window` samples before it when scanning forwards, from it
 * when scanning backwards, plus one) reaches `threshold`; `to` when none does.
 */
function crossing(
  samples: Float32Array,
  from: number,
  to: number,
  window: number,
  threshold: number,
  dir: 1 | -1,
): number {
  const at = (i: number): number => (i >= 0 && i < samples.length ? samples[i]! * samples[i]! : 0);
  const clamp = (i: number): number => Math.max(0, Math.min(samples.length, i));
  let sum = 0;
  if (dir === 1) {
    for (let i = from - window; i < from; i++) sum += at(i);
    for (let c = from; c < to; c++) {
      if (sum >= threshold) return clamp(c);
      sum += at(c) - at(c - window);
    }
  } else {
    for (let i = from; i < from + window; i++) sum += at(i);
    for (let c = from; c > to; c--) {
      if (sum >= threshold) return clamp(c + 1);
      sum += at(c - 1) - at(c + window - 1);
    }
  }
  return clamp(to);
}
