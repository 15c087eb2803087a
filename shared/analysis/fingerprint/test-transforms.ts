import { seededRandom } from './test-signals.js';

/** `x` scaled by `db` dB. */
export function gain(x: Float32Array, db: number): Float32Array {
  const g = 10 ** (db / 20);
  return x.map((v) => v * g);
}

/** `x` with `startS` seconds of digital silence before it and `endS` after it. */
export function padSilence(
  x: Float32Array,
  sampleRate: number,
  startS: number,
  endS: number,
): Float32Array {
  const start = Math.round(startS * sampleRate);
  const out = new Float32Array(start + x.length + Math.round(endS * sampleRate));
  out.set(x, start);
  return out;
}

/** `x` plus white noise `db` dB below the RMS of `x` (over its whole length). */
export function addNoise(x: Float32Array, db: number, seed = 7): Float32Array {
  let sum = 0;
  for (const v of x) sum += v * v;
  const rms = Math.sqrt(sum / Math.max(1, x.length)) * 10 ** (db / 20);
  const rnd = seededRandom(seed);
  return x.map((v) => v + rms * Math.sqrt(3) * (rnd() * 2 - 1));
}

/** `x` through a one-pole lowpass with its -3 dB point at `cutoffHz`. */
export function lowpass(x: Float32Array, sampleRate: number, cutoffHz: number): Float32Array {
  const a = Math.exp((-2 * Math.PI * cutoffHz) / sampleRate);
  let y = 0;
  return x.map((v) => (y = (1 - a) * v + a * y));
}

/** Linear-interpolation resampling (for upsampling, where it is harmless). */
export function resampleLinear(x: Float32Array, from: number, to: number): Float32Array {
  const out = new Float32Array(Math.floor((x.length * to) / from));
  for (let i = 0; i < out.length; i++) {
    const p = (i * from) / to;
    const j = Math.floor(p);
    const f = p - j;
    out[i] = (x[j] ?? 0) * (1 - f) + (x[j + 1] ?? 0) * f;
  }
  return out;
}

/** Blackman-windowed-sinc resampling with an anti-aliasing cutoff at 0.95 × the lower Nyquist. */
export function resampleSinc(x: Float32Array, from: number, to: number, zeros = 16): Float32Array {
  const cutoff = (0.95 * Math.min(from, to)) / 2 / from;
  const half = Math.ceil(zeros / (2 * cutoff));
  const steps = 256;
  const table = new Float64Array((half + 1) * steps + 2);
  for (let i = 0; i < table.length; i++) {
    const d = i / steps;
    if (d > half + 1) continue;
    const arg = 2 * cutoff * d;
    const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
    const r = (Math.PI * d) / (half + 1);
    table[i] = 2 * cutoff * sinc * (0.42 + 0.5 * Math.cos(r) + 0.08 * Math.cos(2 * r));
  }
  const out = new Float32Array(Math.floor((x.length * to) / from));
  for (let i = 0; i < out.length; i++) {
    const p = (i * from) / to;
    const c = Math.floor(p);
    let sum = 0;
    for (let j = Math.max(0, c - half + 1); j <= Math.min(x.length - 1, c + half); j++) {
      const t = Math.abs(p - j) * steps;
      const k = Math.floor(t);
      sum += x[j]! * (table[k]! + (table[k + 1]! - table[k]!) * (t - k));
    }
    out[i] = sum;
  }
  return out;
}
