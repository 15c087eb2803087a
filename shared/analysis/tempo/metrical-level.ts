import { matchLoopLength } from './loop-length.js';
import type { OnsetEnvelope } from './onset-envelope.js';
import { midpointRatio } from './pulse-grid.js';

/** Tempos a producer writes on a file (BPM); the chosen octave always falls inside. */
export const MIN_BPM = 57;
export const MAX_BPM = 190;
/** Centre (BPM) and width (octaves) of the log-Gaussian prior over pulse candidates. */
const PRIOR_CENTRE_BPM = 130;
const PRIOR_SIGMA_OCTAVES = 0.5;

/**
 * The octave model: a logistic regression giving the odds that the faster of two tempo
 * octaves S and F = 2S is the beat a producer writes, from
 * - where S lies (log2(S / 100)): slow tempos are rarer than fast ones;
 * - how much sound falls between F's pulses (the whole envelope at F's half points, hats
 *   above 2.5 kHz at its half and quarter points): music subdivides its beat (8th or 16th hats,
 *   arpeggios), so when nothing falls between F's pulses F is itself the subdivision;
 * - how periodic the envelope is at F's and at S's period (autocorrelation);
 * - how strong kick and snare (below 2.5 kHz) are at S's half points: a kick-snare alternation
 *   on F's pulses makes F the beat;
 * - whether the clip is a whole number of 4/4 bars at F, and how many (log2): loops are cut to
 *   1, 2, 4 or 8 bars, four most often, so a loop that would be 1 or 2 bars at F and half that
 *   at S is more likely F, and one of 8 or 16 bars at F more likely S;
 * - how much onset activity the low band (under 120 Hz: kick, bass) and the high band (over
 *   2.5 kHz: hats) hold against the busiest band (OctaveFeatures.lowActivity, highActivity),
 *   alone and, for the low band, with where S lies and with the bar count: a loop without kick
 *   or bass (a chord loop, an arpeggio, a melody) is written at any tempo, so where S lies
 *   counts far less for it, while a beat with a kick is pulled to the tempos drums are played at.
 * Fitted on 768 octave decisions (both octaves in range, one of them the truth) of clips rendered
 * at bench time: the loops and longer pieces of seed 61 (MuseScore General, the library
 * generator's mix) and the loops of seeds 201 (MuseScore, wide tempo range) and 202 (FluidR3),
 * made with `--loops-without-drums` (486 decisions without drums in all; 213 with drums; 69 of
 * pieces). A throwaway study script dumped the features (not committed); the loops with drums
 * and the pieces counted three times each so that the drumless loops do not outweigh them. In
 * 5-fold cross-validation it chose right for 98.1 % of the loops with drums, 100 % of the
 * pieces and 82.7 % of the loops without drums; the model before it (without the activity
 * features, fitted mostly on loops with drums, seed 61 among them) chose right for 99.1, 98.6
 * and 76.5 % of the same.
 * BENCHMARKS.md gives the figures on libraries rendered for validation and never fitted on.
 */
const OCTAVE_MODEL = {
  bias: -0.637,
  slowOctavesFrom100: -2.185,
  betweenFast: 4.265,
  hatsBetweenFast: 3.307,
  hatsQuarterFast: 2.255,
  periodicityFast: 4.269,
  periodicitySlow: -1.93,
  kickSnareBetweenSlow: 0.57,
  wholeBarsFast: 3.351,
  barsFastLog2: -1.753,
  lowActivity: -6.017,
  highActivity: -1.185,
  lowActivityWholeBarsFast: 1.504,
  lowActivitySlowOctavesFrom100: -5.579,
} as const;

/** Prior weight (0..1] of a tempo in BPM: log-Gaussian around PRIOR_CENTRE_BPM. */
export function tempoPrior(bpm: number): number {
  const octaves = Math.log2(bpm / PRIOR_CENTRE_BPM);
  return Math.exp(-(octaves * octaves) / (2 * PRIOR_SIGMA_OCTAVES * PRIOR_SIGMA_OCTAVES));
}

/** Why a metrical level was chosen, for tests and calibration. */
export type LevelReason = 'single' | 'octave-model';

export interface LevelChoice {
  bpm: number;
  reason: LevelReason;
  /** The octave model's probability that the faster octave is the beat (null when only one fits). */
  fastProbability: number | null;
}

/** What the octave model reads of the envelope at the octaves S and F = 2S. */
export interface OctaveFeatures {
  slowBpm: number;
  /** midpointRatio of the whole onset envelope at F. */
  betweenFast: number;
  /** midpointRatio of the band above 2.5 kHz at F, and at F's half period. */
  hatsBetweenFast: number;
  hatsQuarterFast: number;
  /** Normalised autocorrelation of the envelope at F's and at S's period. */
  periodicityFast: number;
  periodicitySlow: number;
  /** midpointRatio of the bands below 2.5 kHz (kick, snare, bass) at S. */
  kickSnareBetweenSlow: number;
  /** The clip's length in whole 4/4 bars at F (matchLoopLength), or null when it is not. */
  barsFast: number | null;
  /** Mean of the low and the high band's onset envelope (OnsetEnvelope: 0..1, see bandActivity). */
  lowActivity: number;
  highActivity: number;
}

/** Probability (0..1) that the faster octave is the beat, by OCTAVE_MODEL. */
export function fastOctaveProbability(f: OctaveFeatures): number {
  const m = OCTAVE_MODEL;
  const slowOctaves = Math.log2(f.slowBpm / 100);
  const wholeBars = f.barsFast === null ? 0 : 1;
  const z =
    m.bias +
    m.slowOctavesFrom100 * slowOctaves +
    m.betweenFast * f.betweenFast +
    m.hatsBetweenFast * f.hatsBetweenFast +
    m.hatsQuarterFast * f.hatsQuarterFast +
    m.periodicityFast * f.periodicityFast +
    m.periodicitySlow * f.periodicitySlow +
    m.kickSnareBetweenSlow * f.kickSnareBetweenSlow +
    (f.barsFast === null ? 0 : m.wholeBarsFast + m.barsFastLog2 * Math.log2(f.barsFast)) +
    m.lowActivity * f.lowActivity +
    m.highActivity * f.highActivity +
    m.lowActivityWholeBarsFast * f.lowActivity * wholeBars +
    m.lowActivitySlowOctavesFrom100 * f.lowActivity * slowOctaves;
  return 1 / (1 + Math.exp(-z));
}

/** `bpm` halved or doubled into [MIN_BPM, MAX_BPM], the range a producer writes. */
export function foldIntoRange(bpm: number): number {
  let folded = bpm;
  while (folded > MAX_BPM) folded /= 2;
  while (folded < MIN_BPM) folded *= 2;
  return folded;
}

/**
 * Chooses the beat among the octaves of a pulse found at `pulseBpm`: folded into
 * [MIN_BPM, MAX_BPM], one octave may fit ('single'), or two, S and F = 2S, between which the
 * octave model decides. `strengthAt` gives the envelope's normalised autocorrelation at a
 * tempo; `durationS` is the clip's length. Returns the chosen tempo in BPM and how it was chosen.
 */
export function chooseMetricalLevel(
  envelope: OnsetEnvelope,
  pulseBpm: number,
  strengthAt: (bpm: number) => number,
  durationS: number,
): LevelChoice {
  const bpm = foldIntoRange(pulseBpm);
  const slow = bpm >= MIN_BPM * 2 ? bpm / 2 : bpm;
  const fast = slow * 2;
  if (fast > MAX_BPM) return { bpm: slow, reason: 'single', fastProbability: null };
  const { novelty, low, mid, high, frameRate } = envelope;
  const fastPeriod = (60 * frameRate) / fast;
  const p = fastOctaveProbability({
    slowBpm: slow,
    betweenFast: midpointRatio(novelty, fastPeriod),
    hatsBetweenFast: midpointRatio(high, fastPeriod),
    hatsQuarterFast: midpointRatio(high, fastPeriod / 2),
    periodicityFast: strengthAt(fast),
    periodicitySlow: strengthAt(slow),
    kickSnareBetweenSlow: midpointRatio(
      low.map((v, i) => v + (mid[i] ?? 0)),
      fastPeriod * 2,
    ),
    barsFast: wholeBars(durationS, fast),
    lowActivity: bandActivity(low),
    highActivity: bandActivity(high),
  });
  return { bpm: p >= 0.5 ? fast : slow, reason: 'octave-model', fastProbability: p };
}

/**
 * The mean of one band group's onset envelope. onsetEnvelope scales each group to a mean of 1,
 * but boosts none past 4 times: a group with under a quarter of the busiest group's onset flux
 * keeps a mean under 1 (0 when nothing starts in it). So 1 means the band has onsets of its own
 * (a kick or a bass line under 120 Hz, hats over 2.5 kHz), near 0 that it has none.
 */
function bandActivity(band: Float32Array): number {
  let sum = 0;
  for (const v of band) sum += v;
  return band.length > 0 ? Math.min(1, sum / band.length) : 0;
}

/** The clip's length in whole 4/4 bars at `bpm`, when it is cut as a loop at that tempo; else null. */
function wholeBars(durationS: number, bpm: number): number | null {
  const loop = matchLoopLength(durationS, bpm);
  return loop !== null && loop.beats % 4 === 0 ? loop.beats / 4 : null;
}
