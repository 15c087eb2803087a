import { mulberry32 } from '../prng.js';

/**
 * Synthetic one-shots with known truth for the fingerprint tests. Every function is
 * deterministic (seeded noise) and returns mono PCM at `sampleRate` Hz, peaking below 1.
 */

/** A small seeded PRNG returning uniforms in [0, 1). */
export const seededRandom = mulberry32;

export interface KickOptions {
  /** Frequency factor (2^(1/12) for one semitone up). */
  pitch?: number;
  /** Amplitude decay time constant in s. */
  decayS?: number;
  seed?: number;
}

/** A kick: a sine sweeping from 150 to 50 Hz (× pitch) with a short click, 0.5 s long. */
export function kick(sampleRate: number, o: KickOptions = {}): Float32Array {
  const { pitch = 1, decayS = 0.15, seed = 1 } = o;
  const rnd = seededRandom(seed);
  const out = new Float32Array(Math.round(0.5 * sampleRate));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    phase += (2 * Math.PI * pitch * (50 + 100 * Math.exp(-t / 0.03))) / sampleRate;
    const click = t < 0.004 ? (rnd() * 2 - 1) * 0.3 * (1 - t / 0.004) : 0;
    out[i] = 0.9 * Math.sin(phase) * Math.exp(-t / decayS) + click;
  }
  return out;
}

/** A snare: a 185 Hz body plus a noise burst, 0.3 s long. */
export function snare(sampleRate: number, seed = 2, toneHz = 185): Float32Array {
  const rnd = seededRandom(seed);
  const out = new Float32Array(Math.round(0.3 * sampleRate));
  let prev = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    const white = rnd() * 2 - 1;
    const noise = white - 0.5 * prev;
    prev = white;
    out[i] =
      0.5 * Math.sin(2 * Math.PI * toneHz * t) * Math.exp(-t / 0.04) +
      0.4 * noise * Math.exp(-t / 0.07);
  }
  return out;
}

/** A closed hi-hat: differentiated (bright) noise with a fast decay, 0.12 s long. */
export function hat(sampleRate: number, seed = 3, decayS = 0.025): Float32Array {
  const rnd = seededRandom(seed);
  const out = new Float32Array(Math.round(0.12 * sampleRate));
  let prev = 0;
  for (let i = 0; i < out.length; i++) {
    const white = rnd() * 2 - 1;
    out[i] = 0.5 * (white - prev) * Math.exp(-i / sampleRate / decayS);
    prev = white;
  }
  return out;
}

export interface NoteOptions {
  f0?: number;
  /** 0..1: lower is darker (upper harmonics fall faster) as well as softer. */
  velocity?: number;
  /** Decay time constant of the fundamental in s. */
  decayS?: number;
  /** Harmonic amplitudes by number; defaults to a plucked string's. */
  timbre?: 'pluck' | 'organ';
  durationS?: number;
}

/** A plucked/piano-like note: 24 harmonics, brighter with velocity, upper ones decaying faster. */
export function note(sampleRate: number, o: NoteOptions = {}): Float32Array {
  const { f0 = 220, velocity = 0.8, decayS = 0.6, timbre = 'pluck', durationS = 2 } = o;
  const out = new Float32Array(Math.round(durationS * sampleRate));
  const slope = 2.2 - 1.2 * velocity;
  for (let n = 1; n <= 24; n++) {
    const hz = f0 * n * Math.sqrt(1 + 0.0004 * n * n);
    if (hz > sampleRate / 2) break;
    const amp = timbre === 'organ' ? (n % 2 === 1 ? 1 / n : 0.1 / n) : velocity / n ** slope;
    const decay = decayS / (1 + 0.15 * (n - 1));
    for (let i = 0; i < out.length; i++) {
      const t = i / sampleRate;
      const attack = Math.min(1, t / 0.003);
      out[i]! += 0.35 * amp * attack * Math.exp(-t / decay) * Math.sin(2 * Math.PI * hz * t + n);
    }
  }
  return out;
}

/** A chord pad: detuned saw-like voices on `freqs` with a slow attack and release. */
export function pad(
  sampleRate: number,
  freqs = [220, 277.18, 329.63],
  durationS = 3,
): Float32Array {
  const out = new Float32Array(Math.round(durationS * sampleRate));
  for (const f of freqs) {
    for (const detune of [0.997, 1.003]) {
      for (let n = 1; n <= 12; n++) {
        const hz = f * detune * n;
        if (hz > sampleRate / 2) break;
        for (let i = 0; i < out.length; i++) {
          const t = i / sampleRate;
          const env = Math.min(1, t / 0.3, (durationS - t) / 0.4);
          out[i]! += (0.06 / n) * env * Math.sin(2 * Math.PI * hz * t + n * f);
        }
      }
    }
  }
  return out;
}
