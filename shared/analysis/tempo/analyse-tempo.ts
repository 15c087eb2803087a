import { measureTonality } from '../tonality.js';
import {
  autocorrelation,
  autocorrelationAt,
  detrend,
  localPeaks,
  meanSquare,
} from './autocorrelation.js';
import { onsetDensity, pulseConfidence, strongOnsets } from './confidence.js';
import { matchLoopLength, MAX_LOOP_S } from './loop-length.js';
import type { LevelReason } from './metrical-level.js';
import type { OnsetEnvelope } from './onset-envelope.js';
import { chooseMetricalLevel, foldIntoRange, tempoPrior } from './metrical-level.js';
import { onsetEnvelope } from './onset-envelope.js';
import { levelShape, type LevelShape } from './level-shape.js';
import { clipAllowsLoop } from './loop-plausibility.js';
import { startAlignment } from './pulse-grid.js';
import { refinePeriod } from './refine-period.js';

/** Pulse range searched in the tempogram (BPM), wider than the reported range. */
const SEARCH_MIN_BPM = 40;
const SEARCH_MAX_BPM = 240;
/** Window of the trend removed from the envelope before autocorrelation (seconds). */
const DETREND_S = 1;
/** A loop's grid started at its first sample must score this fraction of the best phase. */
const MIN_LOOP_START_ALIGNMENT = 0.5;
/**
 * Confidence granted to a clip cut to whole bars at its measured tempo, with at least two
 * strong onsets and some periodicity: soft-attack loops (pads, arpeggios, strings) carry few
 * sharp onsets, and a length that is an exact number of bars at the measured tempo is evidence
 * of its own.
 */
const LOOP_LENGTH_CONFIDENCE = 0.35;
const LOOP_LENGTH_MIN_PERIODICITY = 0.1;
/**
 * Tempo ratios tried when the measured tempo does not fit the clip's length: 3:2 errors
 * (a break read at 116 instead of 174) and 4:3 errors (a syncopated funk loop at 119 read as
 * 159, its dotted-eighth pattern taken for the beat).
 */
const TRIPLE_RATIOS = [1.5, 2 / 3, 0.75, 4 / 3];

/**
 * Multiples of a candidate period whose autocorrelation supports it, and their weights. The
 * bar (4 periods) weighs most: a beat is repeated by its bars, while a pulse at 3/2 of the
 * beat (a drum-and-bass kick pattern read at 113 for 170) is not. With the bar weighted 0.25,
 * 14 of 96 longer pieces of a rendered library were read at 2/3 of their tempo; with 2, 4.
 */
const HARMONICS: readonly (readonly [number, number])[] = [
  [1, 1],
  [2, 0.5],
  [4, 2],
];

/**
 * Weighted mean autocorrelation at 1, 2 and 4 times `lag` (linearly interpolated), over the
 * multiples the clip is long enough for: a beat is repeated by its bars, a spurious
 * peak (5 16ths in a bed of 16th hats, 3/2 of the beat) is not.
 */
function harmonicStrength(acf: Float64Array, lag: number): number {
  let sum = 0;
  let weights = 0;
  for (const [multiple, weight] of HARMONICS) {
    const at = lag * multiple;
    const i = Math.floor(at);
    if (i + 1 >= acf.length) break;
    const frac = at - i;
    const a = acf[i] ?? 0;
    const b = acf[i + 1] ?? 0;
    // The peak may fall between frames; the larger neighbour stands for it.
    sum += weight * Math.max(a + (b - a) * frac, Math.max(a, b) * 0.9);
    weights += weight;
  }
  return weights > 0 ? sum / weights : 0;
}

/**
 * When only the slower octave shows a steady pulse, the faster one is kept if the octave model
 * gives it SURE_FAST_OCTAVE or more and the slower octave's confidence reaches
 * SLOWER_PULSE_CONFIDENCE (measurePulse). Chosen on the loops and pieces of the rendered
 * libraries of seeds 61, 62, 65 wide, 68 and 71 and on drum loops played from the
 * even-numbered Hydrogen kits (`npm run bench:kit-loops`), in a throwaway study: 11 right that
 * were read at half (7 of them half-time kit loops), one string loop lost. A slower octave
 * vouched for only by the clip's length (confidence 0.35) is left to win: soft string and pluck
 * loops sure of the faster octave were read at double that way (a committed fixture among
 * them). BENCHMARKS.md gives the held-out figures.
 */
const SURE_FAST_OCTAVE = 0.7;
const SLOWER_PULSE_CONFIDENCE = 0.5;

/** Below this confidence no tempo is reported. */
export const MIN_TEMPO_CONFIDENCE = 0.3;

/** Everything the estimator measured, for tests and calibration; index.ts publishes a subset. */
export interface TempoAnalysis {
  /** Tempo in BPM before the confidence gate (null when no pulse was found at all). */
  bpm: number | null;
  confidence: number;
  loopBeats: number | null;
  /** The strongest pulse in the tempogram (BPM), before octave choice. */
  pulseBpm: number | null;
  /**
   * How the octave was chosen; 'loop-length' when the clip's length resolved a 3:2 error,
   * 'chord-changes' when the tempo comes from chord changes that divide a loop evenly,
   * 'held-loop' when a held sound cut to whole bars at both ends vouches for a weak pulse,
   * 'not-a-loop' when the clip rules out the loop a weak or uncut tempo implied (clipAllowsLoop;
   * confidence 0).
   */
  reason: LevelReason | 'loop-length' | 'chord-changes' | 'held-loop' | 'not-a-loop' | null;
  /** Normalised autocorrelation at the chosen beat period. */
  periodicity: number;
  /**
   * How sure the octave is (0.5..1): 1 when only one octave fits or the octave model is certain,
   * 0.5 when it is a coin toss (a chord loop pulsing on every beat reads the same at 85 and 170).
   */
  octaveCertainty: number;
}

const NONE: TempoAnalysis = {
  bpm: null,
  confidence: 0,
  loopBeats: null,
  pulseBpm: null,
  reason: null,
  periodicity: 0,
  octaveCertainty: 1,
};

/** The full tempo analysis behind estimateTempo; see its documentation. Never throws. */
export function analyseTempo(samples: Float32Array, sampleRate: number): TempoAnalysis {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate) || samples.length === 0) return NONE;
  const envelope = onsetEnvelope(samples, sampleRate);
  const durationS = samples.length / sampleRate;
  const pulse = measurePulse(envelope, durationS);
  // Onset times (seconds) and the level shape, measured once for the rules below.
  const onsets = strongOnsets(envelope.novelty, envelope.frameRate).map(
    (i) => i / envelope.frameRate,
  );
  const block = Math.round(EDGE_BLOCK_S * sampleRate);
  let shape: LevelShape | null | undefined;
  const levels = () => (shape ??= levelShape(samples, block));
  const density = onsetDensity(envelope.novelty);
  const lastOnsetS = onsets[onsets.length - 1];
  // A clip not cut to whole beats, up to one beat after its last strong onset: a loop exported
  // with its last hits left to ring dies away only after that.
  const untilRingOut = (tempo: TempoAnalysis): LevelShape | null => {
    if (tempo.loopBeats !== null || tempo.bpm === null || lastOnsetS === undefined) return null;
    const end = Math.round((lastOnsetS + 60 / tempo.bpm) * sampleRate);
    return end >= samples.length ? levels() : levelShape(samples.subarray(0, end), block);
  };
  const couldLoop = (tempo: TempoAnalysis) =>
    clipAllowsLoop(
      tempo,
      {
        shape: levels(),
        shapeUntilRingOut: untilRingOut(tempo),
        onsets: onsets.length,
        onsetDensity: density,
      },
      durationS,
    );
  if (pulse.confidence >= MIN_TEMPO_CONFIDENCE && couldLoop(pulse)) return pulse;
  const fallback =
    chordChangeTempo(onsets, durationS) ??
    heldLoopTempo(samples, sampleRate, onsets, levels, pulse);
  if (fallback !== null && couldLoop(fallback)) return fallback;
  return pulse.confidence >= MIN_TEMPO_CONFIDENCE
    ? { ...pulse, confidence: 0, reason: 'not-a-loop' }
    : pulse;
}

/** The tempo of the envelope's steadiest pulse, in the octave the octave model picks. */
function measurePulse(envelope: OnsetEnvelope, durationS: number): TempoAnalysis {
  const { novelty, frameRate } = envelope;
  const x = detrend(novelty, DETREND_S * frameRate);
  const energy = meanSquare(x);
  const minLag = Math.floor((60 * frameRate) / SEARCH_MAX_BPM);
  const maxLag = Math.min(
    Math.ceil((60 * frameRate) / SEARCH_MIN_BPM),
    Math.floor((x.length * 2) / 3),
  );
  if (energy <= 0 || maxLag <= minLag + 2) return NONE;
  const longest = Math.max(...HARMONICS.map(([multiple]) => multiple));
  const acf = autocorrelation(x, Math.min(longest * maxLag + 2, Math.floor((x.length * 2) / 3)));

  let pulse: { lag: number; score: number } | null = null;
  for (const peak of localPeaks(acf, minLag, maxLag)) {
    if (peak.value <= 0) continue;
    const score =
      harmonicStrength(acf, peak.lag) * Math.sqrt(tempoPrior((60 * frameRate) / peak.lag));
    if (pulse === null || score > pulse.score) pulse = { lag: peak.lag, score };
  }
  if (pulse === null) return NONE;
  const pulseBpm = (60 * frameRate) / pulse.lag;

  const strengthAt = (bpm: number): number => {
    const lag = Math.round((60 * frameRate) / bpm);
    return Math.max(...[lag - 1, lag, lag + 1].map((l) => autocorrelationAt(x, l, energy)));
  };
  const level = chooseMetricalLevel(envelope, pulseBpm, strengthAt, durationS);
  const context: PulseContext = { envelope, x, strengthAt, durationS, pulseBpm };
  const chosen = measureBeat(context, level.bpm, level.reason);
  const p = level.fastProbability;
  if (p === null) return chosen;
  const octaveCertainty = 0.5 + Math.abs(p - 0.5);
  if (chosen.confidence >= MIN_TEMPO_CONFIDENCE) return { ...chosen, octaveCertainty };
  // No steady pulse at the octave the model chose: the other one may have it (a soft string
  // loop, whose high band is noise between the pulses, read at twice its tempo).
  const other = measureBeat(context, p >= 0.5 ? level.bpm / 2 : level.bpm * 2, level.reason);
  if (other.confidence < MIN_TEMPO_CONFIDENCE) return { ...chosen, octaveCertainty };
  // ...unless the model is sure of the faster octave and the slower one holds a steady pulse of
  // its own (not only a length of whole bars): a half-time groove (trap: the snare on the third
  // beat, 16th hats) repeats at half its beat, not at its beat, and is written at the faster
  // tempo. The slower octave's pulse vouches for it.
  if (p >= SURE_FAST_OCTAVE && other.confidence >= SLOWER_PULSE_CONFIDENCE) {
    return { ...chosen, confidence: other.confidence, octaveCertainty };
  }
  return { ...other, octaveCertainty };
}

/** What measureBeat needs of the clip. */
interface PulseContext {
  envelope: OnsetEnvelope;
  /** The detrended onset envelope. */
  x: Float32Array;
  strengthAt: (bpm: number) => number;
  durationS: number;
  pulseBpm: number;
}

/**
 * The tempo at the beat level `levelBpm`: its period refined on the autocorrelation, the
 * clip's length matched to whole beats (and 3:2 readings corrected by it), and the confidence.
 */
function measureBeat(c: PulseContext, levelBpm: number, levelReason: LevelReason): TempoAnalysis {
  const { envelope, x, strengthAt, durationS, pulseBpm } = c;
  const { novelty, frameRate } = envelope;
  const refined = refinePeriod(x, (60 * frameRate) / levelBpm);
  const period = refined.periodFrames;
  let bpm = (60 * frameRate) / period;
  const periodicity = strengthAt(bpm);
  const confidence = pulseConfidence(novelty, frameRate, periodicity, period);

  let loopBeats: number | null = null;
  let reason: TempoAnalysis['reason'] = levelReason;
  // Half a frame of error at the largest multiple measured, relative to that lag.
  const precision = 0.5 / (refined.multiple * period);
  const startsOnBeat = (loopBpm: number) =>
    startAlignment(novelty, (60 * frameRate) / loopBpm, 0, novelty.length) >=
    MIN_LOOP_START_ALIGNMENT;
  const loop = matchLoopLength(durationS, bpm, precision);
  if (loop !== null && startsOnBeat(loop.bpm)) {
    bpm = loop.bpm;
    loopBeats = loop.beats;
  } else if (loop === null) {
    // A pulse read at 2/3, 3/2, 3/4 or 4/3 of the tempo does not fit a cleanly cut loop's
    // length; the tempo that fits it in whole bars does, in the octave the octave model picks
    // (a boom-bap's dotted 8ths read 120 for 90: 3/2 of it, 180, fits the length as well).
    for (const ratio of TRIPLE_RATIOS) {
      const octave = chooseMetricalLevel(envelope, bpm * ratio, strengthAt, durationS).bpm;
      const alternative = matchLoopLength(durationS, octave, precision);
      if (alternative && alternative.beats % 4 === 0 && startsOnBeat(alternative.bpm)) {
        bpm = alternative.bpm;
        loopBeats = alternative.beats;
        reason = 'loop-length';
        break;
      }
    }
  }
  let evidence = confidence;
  if (
    loopBeats !== null &&
    loopBeats % 4 === 0 &&
    periodicity >= LOOP_LENGTH_MIN_PERIODICITY &&
    (reason === 'loop-length' || strongOnsets(novelty, frameRate).length >= 2)
  ) {
    evidence = Math.max(evidence, LOOP_LENGTH_CONFIDENCE);
  }
  return {
    bpm,
    confidence: evidence,
    loopBeats,
    pulseBpm,
    reason,
    periodicity,
    octaveCertainty: 1,
  };
}

/** Blocks (seconds) whose level is compared at a clip's two ends and at its loudest. */
const EDGE_BLOCK_S = 0.03;
/** A held loop's first block is within this of its loudest (dB): it starts on the beat. */
const HELD_LOOP_START_DB = -12;
/** A held loop's last block is within this of its loudest (dB): cut, not dying away. */
const HELD_LOOP_END_DB = -9;
/** A held loop holds at least two notes, this share of its energy in sustained partials. */
const HELD_LOOP_MIN_NOTES = 2;
const HELD_LOOP_MIN_TONAL = 0.1;

/**
 * The tempo of a chord loop held through (a pad, a sustained organ or vocal: one onset, its
 * start, so no pulse passes the gate), taken from the weak pulse when the clip holds two notes
 * or more (a tenth of its energy in sustained partials: the 13 loops below held 23-47 %), is
 * cut to whole 4/4 bars at that pulse, and sounds at both ends: its first and last EDGE_BLOCK_S within HELD_LOOP_START_DB and
 * HELD_LOOP_END_DB of its loudest. Nearly every one-shot dies away (583 of 640 of a second or
 * more on rendered libraries end more than 9 dB down); risers and sweeps end loud but start
 * soft, with many onsets. Chosen on the drumless loops and one-shots of seeds
 * 61 and 62 (a throwaway study): 13 loops of 146 right that had no tempo, none wrong, none of
 * 483 one-shots of a second or more given a tempo. At LOOP_LENGTH_CONFIDENCE, shown with `?`.
 */
function heldLoopTempo(
  samples: Float32Array,
  sampleRate: number,
  onsetTimes: readonly number[],
  levels: () => LevelShape | null,
  pulse: TempoAnalysis,
): TempoAnalysis | null {
  const { bpm, loopBeats } = pulse;
  if (bpm === null || loopBeats === null || loopBeats % 4 !== 0) return null;
  const durationS = samples.length / sampleRate;
  if (durationS > MAX_LOOP_S) return null;
  // One attack, at the start (an onset in the clip's last moment is its cut).
  const onsets = onsetTimes.filter((t) => t < durationS - CHORD_CHANGE_END_S);
  if (onsets.length !== 1 || onsets[0]! > CHORD_CHANGE_START_S) return null;
  // Held pitch, a chord's at least: steady noise (a texture, a hiss) starts and ends as loud.
  const tonality = measureTonality(samples, sampleRate);
  if (tonality.notes < HELD_LOOP_MIN_NOTES || tonality.tonalRatio < HELD_LOOP_MIN_TONAL)
    return null;
  const edges = levels();
  if (edges === null || edges.startDb < HELD_LOOP_START_DB || edges.endDb < HELD_LOOP_END_DB) {
    return null;
  }
  return { ...pulse, confidence: LOOP_LENGTH_CONFIDENCE, reason: 'held-loop' };
}

/**
 * Confidence of a tempo read from chord changes alone: just above the gate, a tempo to check by
 * ear (its octave rests on one chord a bar).
 */
const CHORD_CHANGE_CONFIDENCE = 0.35;
/** Chord changes a loop is divided into (strong onsets, the first at its start). */
const CHORD_CHANGE_COUNTS: readonly number[] = [4, 8];
/** The first change is at most this far into the clip (seconds). */
const CHORD_CHANGE_START_S = 0.05;
/** Onsets this close to the clip's end (seconds) are left out. */
const CHORD_CHANGE_END_S = 0.1;
/** Each change lies within this share of the spacing of its place on the even grid. */
const CHORD_CHANGE_TOLERANCE = 0.04;

/**
 * The tempo of a loop with no pulse between its chord changes (sustained chords or a pad, whose
 * only onsets are the changes, a bar or more apart: nothing for the tempogram, which searches
 * 40-240 BPM): when its strong onsets are exactly 4 or 8 changes dividing the clip evenly, one
 * chord a bar, four beats each, folded into the range a producer writes. Chosen on the
 * no-tempo clips of five rendered libraries (16 loops right, 3 at half or double, no one-shot
 * given a tempo: risers, strings and chords ring with uneven onsets); BENCHMARKS.md gives the
 * figures on libraries rendered afterwards. Null when the onsets do not fit.
 */
function chordChangeTempo(onsetTimes: readonly number[], durationS: number): TempoAnalysis | null {
  if (durationS > MAX_LOOP_S) return null;
  // An onset in the clip's last CHORD_CHANGE_END_S is its cut, not a change.
  const onsets = onsetTimes.filter((t) => t < durationS - CHORD_CHANGE_END_S);
  const changes = onsets.length;
  if (!CHORD_CHANGE_COUNTS.includes(changes) || onsets[0]! > CHORD_CHANGE_START_S) return null;
  const spacing = durationS / changes;
  const even = onsets.every(
    (t, k) => Math.abs(t - k * spacing) <= CHORD_CHANGE_TOLERANCE * spacing,
  );
  if (!even) return null;
  const bpm = foldIntoRange((60 * 4 * changes) / durationS);
  return {
    bpm,
    confidence: CHORD_CHANGE_CONFIDENCE,
    loopBeats: Math.round((bpm * durationS) / 60),
    pulseBpm: null,
    reason: 'chord-changes',
    periodicity: 0,
    octaveCertainty: 0.5,
  };
}
