/** How a clip's level moves over its length, measured in blocks of equal length. */
export interface LevelShape {
  /** Level of the first block relative to the loudest (dB, <= 0). */
  startDb: number;
  /** Level of the last whole block relative to the loudest (dB, <= 0). */
  endDb: number;
  /**
   * Level of the clip's last quarter relative to its first (dB): above 0 it swells (a riser),
   * below 0 it dies away (a struck or released note). A loop repeats, so its two ends are alike.
   */
  trendDb: number;
}

/**
 * The level shape of `samples` in blocks of `block` samples; null for a clip of fewer than four
 * blocks, or silence. Pure.
 */
export function levelShape(samples: Float32Array, block: number): LevelShape | null {
  const count = Math.floor(samples.length / block);
  if (!(block >= 1) || count < 4) return null;
  const energy = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    let sum = 0;
    for (let i = b * block; i < (b + 1) * block; i++) sum += samples[i]! * samples[i]!;
    energy[b] = sum;
  }
  const loudest = Math.max(...energy);
  if (!(loudest > 0)) return null;
  const floor = 1e-12 * loudest;
  const db = (e: number, reference: number) => 10 * Math.log10(Math.max(e, floor) / reference);
  const quarter = Math.floor(count / 4);
  let first = 0;
  let last = 0;
  for (let b = 0; b < quarter; b++) {
    first += energy[b]!;
    last += energy[count - 1 - b]!;
  }
  return {
    startDb: db(energy[0]!, loudest),
    endDb: db(energy[count - 1]!, loudest),
    trendDb: db(last, Math.max(first, floor)),
  };
}
