/** Quantisation step of stored levels, in dB. */
const STEP_DB = 0.5;
/** Levels are stored relative to the loudest cell; 255 is that cell, 0 is 127.5 dB below. */
const TOP = 255;

/**
 * Converts powers (any linear unit) to bytes: 0.5 dB steps relative to the largest power,
 * clamped 127.5 dB below it. All-zero input gives all zeros.
 */
export function powersToBytes(powers: Float64Array): Uint8Array {
  let max = 0;
  for (const p of powers) if (p > max) max = p;
  const out = new Uint8Array(powers.length);
  if (max <= 0) return out;
  for (let i = 0; i < powers.length; i++) {
    const db = 10 * Math.log10(powers[i]! / max + 1e-30);
    out[i] = Math.max(0, Math.min(TOP, TOP + Math.round(db / STEP_DB)));
  }
  return out;
}

/** Converts stored bytes back to dB relative to the loudest cell (0 dB down to -127.5 dB). */
export function bytesToDb(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = (bytes[i]! - TOP) * STEP_DB;
  return out;
}
