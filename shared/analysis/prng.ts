/**
 * A small seeded pseudo-random generator (mulberry32): uniforms in [0, 1), the same sequence
 * for the same seed on every platform. Used where results must never change between runs
 * (the fingerprint's index hyperplanes) and for reproducible test and fixture audio.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}
