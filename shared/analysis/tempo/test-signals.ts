/**
 * Synthetic drum and tone signals with known tempo, for the tempo estimator's tests and
 * calibration. Deterministic: every noise source is seeded.
 */
import { mulberry32 } from '../prng.js';

export type Voice = 'kick' | 'snare' | 'clap' | 'hat' | 'openHat' | 'crash' | 'bass';

/** A seeded uniform generator in [-1, 1) (mulberry32), so that test audio never changes. */
export function noiseSource(seed: number): () => number {
  const random = mulberry32(seed);
  return () => 2 * random() - 1;
}

/** One drum hit or bass note as a mono buffer at sampleRate Hz, peak about 1 before gain. */
export function renderVoice(voice: Voice, sampleRate: number, seed = 1): Float32Array {
  const rnd = noiseSource(seed);
  const lengthS = {
    kick: 0.4,
    snare: 0.25,
    clap: 0.3,
    hat: 0.06,
    openHat: 0.3,
    crash: 4,
    bass: 0.3,
  }[voice];
  const n = Math.max(1, Math.round(lengthS * sampleRate));
  const out = new Float32Array(n);
  let phase = 0;
  let prev1 = 0;
  let prev2 = 0;
  const lowPass = 1 - Math.exp((-2 * Math.PI * Math.min(4000, sampleRate / 3)) / sampleRate);
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    let v = 0;
    switch (voice) {
      case 'kick': {
        const f = 50 + 110 * Math.exp(-t / 0.03);
        phase += (2 * Math.PI * f) / sampleRate;
        v = Math.sin(phase) * Math.exp(-t / 0.12);
        break;
      }
      case 'snare': {
        phase += (2 * Math.PI * 190) / sampleRate;
        v = 0.5 * Math.sin(phase) * Math.exp(-t / 0.05) + 0.7 * rnd() * Math.exp(-t / 0.07);
        break;
      }
      case 'clap': {
        // Three short bursts 10 ms apart, then a tail: how a real clap is built.
        const burst = t < 0.03 ? Math.exp(-(t % 0.01) / 0.003) : Math.exp(-(t - 0.03) / 0.08);
        v = 0.8 * rnd() * burst;
        break;
      }
      case 'hat':
      case 'openHat':
      case 'crash': {
        // White noise minus its twice low-passed self: a high-pass near 4 kHz at any rate.
        const x = rnd();
        prev1 += lowPass * (x - prev1);
        prev2 += lowPass * (prev1 - prev2);
        const hp = x - prev2;
        const decay = voice === 'hat' ? 0.015 : voice === 'openHat' ? 0.09 : 1.2;
        v = hp * Math.exp(-t / decay);
        break;
      }
      case 'bass': {
        phase += (2 * Math.PI * 55) / sampleRate;
        v = 0.6 * Math.sin(phase) * Math.min(1, t / 0.005) * Math.exp(-t / 0.2);
        break;
      }
    }
    out[i] = v;
  }
  return out;
}

/** Adds `source` times `gain` into `target` from sample index `at`; clips at the end. */
export function mixInto(target: Float32Array, source: Float32Array, at: number, gain = 1): void {
  const start = Math.max(0, Math.round(at));
  for (let i = 0; i < source.length && start + i < target.length; i++) {
    target[start + i] = (target[start + i] ?? 0) + gain * (source[i] ?? 0);
  }
}

export interface DrumPatternOptions {
  bpm: number;
  /** Length of the result in beats (a float is allowed: the clip is cut there). */
  beats: number;
  sampleRate: number;
  /**
   * One step string per voice, four steps per beat (16ths), repeated to fill the clip.
   * 'x' is a hit, 'o' a softer (ghost) hit, anything else a rest.
   */
  pattern: Partial<Record<Voice, string>>;
  /** 0 for straight 16ths; 1/3 delays every off-beat 8th to the triplet position. */
  swing8?: number;
  /** Random timing jitter, standard deviation in seconds (deterministic). */
  jitterS?: number;
  seed?: number;
}

/** A drum (and bass) loop, cut at exactly `beats` beats, peak-normalised to 0.9. */
export function drumPattern(options: DrumPatternOptions): Float32Array {
  const { bpm, beats, sampleRate, pattern, swing8 = 0, jitterS = 0, seed = 7 } = options;
  const beatS = 60 / bpm;
  const out = new Float32Array(Math.round(beats * beatS * sampleRate));
  const rnd = noiseSource(seed);
  let voiceSeed = seed;
  for (const [voice, steps] of Object.entries(pattern) as [Voice, string][]) {
    const sounds = [0, 1, 2, 3].map(() => renderVoice(voice, sampleRate, ++voiceSeed));
    const totalSteps = Math.ceil(beats * 4);
    for (let s = 0; s < totalSteps; s++) {
      const mark = steps[s % steps.length];
      if (mark !== 'x' && mark !== 'o') continue;
      let beatPos = s / 4;
      if (s % 4 === 2) beatPos += swing8 * 0.5;
      const timeS = beatPos * beatS + jitterS * rnd();
      const sound = sounds[s % 4] ?? sounds[0]!;
      mixInto(out, sound, timeS * sampleRate, mark === 'x' ? 1 : 0.35);
    }
  }
  return normalise(out, 0.9);
}

/** A sustained chord (sum of sines with slow attack), peak-normalised to 0.9. */
export function sustainedChord(
  durationS: number,
  sampleRate: number,
  freqsHz = [220, 277.2, 329.6, 440],
): Float32Array {
  const out = new Float32Array(Math.round(durationS * sampleRate));
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    let v = 0;
    for (const f of freqsHz)
      v += Math.sin(2 * Math.PI * f * t) + 0.3 * Math.sin(4 * Math.PI * f * t);
    out[i] = v * Math.min(1, t / 0.3);
  }
  return normalise(out, 0.9);
}

/**
 * Sustained chords (organ-like: steady partials, a 10 ms attack) changing at `changesS`
 * (seconds from the start), the i-th change to the i-th of a I-vi-IV-V progression in C, up to
 * `durationS`: nothing sounds between the changes but the held chord.
 */
export function chordChanges(
  durationS: number,
  changesS: readonly number[],
  sampleRate: number,
): Float32Array {
  const chords = [
    [261.6, 329.6, 392],
    [220, 261.6, 329.6],
    [174.6, 220, 261.6],
    [196, 246.9, 293.7],
  ];
  const out = new Float32Array(Math.round(durationS * sampleRate));
  changesS.forEach((start, i) => {
    const end = changesS[i + 1] ?? durationS;
    const freqs = chords[i % chords.length]!;
    const from = Math.round(start * sampleRate);
    const to = Math.min(out.length, Math.round(end * sampleRate));
    for (let j = from; j < to; j++) {
      const t = (j - from) / sampleRate;
      let v = 0;
      for (const f of freqs)
        v += Math.sin(2 * Math.PI * f * t) + 0.4 * Math.sin(4 * Math.PI * f * t);
      out[j] = v * Math.min(1, t / 0.01) * Math.min(1, (to - j) / (0.005 * sampleRate));
    }
  });
  return normalise(out, 0.9);
}

/** A decaying piano-like note (harmonics with exponential decay). */
export function pianoNote(durationS: number, sampleRate: number, freqHz = 261.6): Float32Array {
  const out = new Float32Array(Math.round(durationS * sampleRate));
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    let v = 0;
    for (let h = 1; h <= 6; h++)
      v += (Math.sin(2 * Math.PI * f0(freqHz, h) * t) / h) * Math.exp(-t * h * 0.8);
    out[i] = v * Math.min(1, t / 0.003);
  }
  return normalise(out, 0.9);
}

function f0(freqHz: number, harmonic: number): number {
  return freqHz * harmonic * (1 + 0.0004 * harmonic * harmonic);
}

/** White noise of the given length, peak about `level`. */
export function whiteNoise(
  durationS: number,
  sampleRate: number,
  level = 0.5,
  seed = 3,
): Float32Array {
  const rnd = noiseSource(seed);
  return Float32Array.from({ length: Math.round(durationS * sampleRate) }, () => level * rnd());
}

/** Concatenates buffers, with `silenceS` seconds of zeros before and after. */
export function padWithSilence(
  samples: Float32Array,
  sampleRate: number,
  silenceS: number,
): Float32Array {
  const pad = Math.round(silenceS * sampleRate);
  const out = new Float32Array(samples.length + 2 * pad);
  out.set(samples, pad);
  return out;
}

/** Scales so that the peak absolute value is `peak` (a silent buffer is returned as is). */
export function normalise(samples: Float32Array, peak: number): Float32Array {
  let max = 0;
  for (const v of samples) max = Math.max(max, Math.abs(v));
  if (max > 0)
    for (let i = 0; i < samples.length; i++) samples[i] = ((samples[i] ?? 0) * peak) / max;
  return samples;
}

/** Common grooves, one bar of 16ths per string (two bars where the string has 32 steps). */
export const GROOVES = {
  fourOnTheFloor: {
    kick: 'x...x...x...x...',
    clap: '....x.......x...',
    openHat: '..x...x...x...x.',
    hat: 'x.x.x.x.x.x.x.x.',
  },
  rock: { kick: 'x.......x.......', snare: '....x.......x...', hat: 'x.x.x.x.x.x.x.x.' },
  hipHop: {
    kick: 'x......x..x.....',
    snare: '....x.......x...',
    hat: 'x.x.x.x.x.x.x.x.',
    bass: 'x.........x.....',
  },
  /** Lo-fi hip-hop: kicks on the off-beat 8ths, a 16th pickup in the hats. */
  lofi: { kick: 'x.....x...x.....', snare: '....x.......x...', hat: 'x.x.x.x.x.x.x.xx' },
  /** Boom bap: syncopated kicks on the 16ths before and after beat 3. */
  boomBap: { kick: 'x......x.xx.....', snare: '....x.......x...', hat: 'x.x.x.x.x.x.x.x.' },
  halfTimeTrap8: {
    kick: 'x.........x.....x..x............',
    snare: '........x...............x.......',
    hat: 'x.x.x.x.x.x.x.x.',
  },
  halfTimeTrap16: {
    kick: 'x.........x.....x..x............',
    snare: '........x...............x.......',
    hat: 'xxxxxxxxxxxxxxxx',
  },
  /**
   * Half-time trap with soft 16th hats and a busier kick: its beats differ from one another, so
   * it repeats at half its beat (one snare a bar), not at its beat.
   */
  halfTimeTrapSoftHats: {
    kick: 'x.....x....x..x.',
    snare: '........x.......',
    hat: 'oooooooooooooooo',
  },
  drumAndBass: {
    kick: 'x.........x.....x.x.......x.....',
    snare: '....x..o.o..x.......x..o....x.o.',
    hat: 'x.x.x.x.x.x.x.x.',
  },
  snareFill: { kick: 'x...............', snare: 'x.x.x.x.xxxxxxxx' },
} satisfies Record<string, Partial<Record<Voice, string>>>;

/**
 * A 60 s-style arrangement at `bpm`: `grooveBars` of groove, a one-bar snare fill, a
 * breakdown of `breakdownBars` with only a sustained chord, then groove to `totalBars`.
 */
export function arrangement(
  bpm: number,
  sampleRate: number,
  totalBars: number,
  grooveBars = 8,
  breakdownBars = 4,
): Float32Array {
  const barSamples = Math.round((4 * 60 * sampleRate) / bpm);
  const out = new Float32Array(barSamples * totalBars);
  const groove = drumPattern({
    bpm,
    beats: 4 * grooveBars,
    sampleRate,
    pattern: GROOVES.hipHop,
    jitterS: 0.004,
  });
  const fill = drumPattern({ bpm, beats: 4, sampleRate, pattern: GROOVES.snareFill });
  const pad = sustainedChord((breakdownBars * barSamples) / sampleRate, sampleRate);
  let at = 0;
  let bar = 0;
  const place = (part: Float32Array, bars: number, gain = 1): void => {
    mixInto(out, part, at, gain);
    at += bars * barSamples;
    bar += bars;
  };
  place(groove, grooveBars);
  place(fill, 1);
  place(pad, breakdownBars, 0.5);
  while (bar < totalBars) place(groove, Math.min(grooveBars, totalBars - bar));
  return normalise(out, 0.9);
}
