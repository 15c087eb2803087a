/**
 * Re-frames a row-major level matrix in dB (`bands` per frame) from frames of `fromMs` to
 * longer frames of `toMs`, averaging power weighted by overlap, so that fingerprints of a
 * short and a long version (different frame lengths) can be compared frame by frame.
 * Returns the input unchanged when the lengths agree within 0.1 %.
 */
export function rebinLevels(
  levels: Float32Array,
  bands: number,
  fromMs: number,
  toMs: number,
): Float32Array {
  if (Math.abs(fromMs / toMs - 1) < 1e-3 || toMs < fromMs) return levels;
  const frames = levels.length / bands;
  const outFrames = Math.max(1, Math.ceil((frames * fromMs) / toMs - 1e-6));
  const power = new Float64Array(outFrames * bands);
  const cover = new Float64Array(outFrames);
  for (let t = 0; t < frames; t++) {
    const start = t * fromMs;
    const end = start + fromMs;
    for (let o = Math.floor(start / toMs); o < outFrames && o * toMs < end; o++) {
      const overlap = Math.min(end, (o + 1) * toMs) - Math.max(start, o * toMs);
      if (overlap <= 0) continue;
      cover[o]! += overlap;
      for (let k = 0; k < bands; k++) {
        power[o * bands + k]! += overlap * 10 ** (levels[t * bands + k]! / 10);
      }
    }
  }
  const out = new Float32Array(outFrames * bands);
  for (let o = 0; o < outFrames; o++) {
    for (let k = 0; k < bands; k++) {
      out[o * bands + k] = 10 * Math.log10(power[o * bands + k]! / cover[o]! + 1e-30);
    }
  }
  return out;
}
