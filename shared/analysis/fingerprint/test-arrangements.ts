import { hat, kick, note, pad, snare } from './test-signals.js';

/** Options of a synthetic groove: drums, optionally with bass and chords, bar by bar. */
export interface GrooveOptions {
  bpm?: number;
  bars?: number;
  /** This bar (0-based) gets another kick pattern and no hats. */
  changedBar?: number;
  withBass?: boolean;
  withChords?: boolean;
  /** Gains in dB of the parts. */
  hatDb?: number;
  bassDb?: number;
}

const CHORDS = [
  [220, 261.63, 329.63],
  [174.61, 220, 261.63],
  [196, 246.94, 293.66],
  [164.81, 207.65, 246.94],
];
const BASS = [55, 43.65, 49, 41.2];

/**
 * A groove of `bars` 4/4 bars at `bpm`: kick on 1 and 3, snare on 2 and 4, hats on eighths,
 * optionally a bass note per bar and a chord pad per bar (four-bar progression), plus 0.5 s of
 * tail. The one-shots keep their length whatever the tempo, as in a time-stretched loop.
 */
export function groove(sampleRate: number, o: GrooveOptions = {}): Float32Array {
  const { bpm = 120, bars = 2, changedBar = -1, withBass = false, withChords = false } = o;
  const beat = (60 / bpm) * sampleRate;
  const out = new Float32Array(Math.round(bars * 4 * beat + 0.5 * sampleRate));
  const k = kick(sampleRate);
  const s = snare(sampleRate);
  const h = hat(sampleRate);
  const hatGain = 0.6 * 10 ** ((o.hatDb ?? 0) / 20);
  const bassGain = 0.8 * 10 ** ((o.bassDb ?? 0) / 20);
  const chordCache = new Map<number, Float32Array>();
  const bassCache = new Map<number, Float32Array>();
  for (let bar = 0; bar < bars; bar++) {
    const at = (beats: number): number => Math.round((bar * 4 + beats) * beat);
    const changed = bar === changedBar;
    for (const b of changed ? [0, 1.5, 2.5] : [0, 2]) addAt(out, k, at(b), 0.8);
    for (const b of [1, 3]) addAt(out, s, at(b), 0.7);
    if (!changed) for (let e = 0; e < 8; e++) addAt(out, h, at(e / 2), hatGain);
    const step = bar % 4;
    if (withBass) {
      let b = bassCache.get(step);
      if (!b) {
        b = note(sampleRate, { f0: BASS[step]!, timbre: 'organ', decayS: 1.5, durationS: 1.9 });
        bassCache.set(step, b);
      }
      addAt(out, b, at(0), bassGain);
    }
    if (withChords) {
      let c = chordCache.get(step);
      if (!c) {
        c = pad(sampleRate, CHORDS[step], (4 * beat) / sampleRate);
        chordCache.set(step, c);
      }
      addAt(out, c, at(0), 0.5);
    }
  }
  return out;
}

/** Adds `gain` × `src` into `out` from sample `start`, clipping at the end of `out`. */
export function addAt(out: Float32Array, src: Float32Array, start: number, gain: number): void {
  const n = Math.min(src.length, out.length - start);
  for (let i = 0; i < n; i++) out[start + i]! += gain * src[i]!;
}
