import { createPowerSpectrum } from './power-spectrum.js';

/** How much of a sound is sustained pitch, and how many notes it holds. */
export interface Tonality {
  /**
   * Pitch classes of the notes sounding, as far as harmonics explain the sustained peaks (see
   * countNotes): 1 for a single note with its harmonics, 2 for a triad (its fifth is the root's
   * third harmonic), more for inharmonic sound (drums, bells, noise).
   */
  notes: number;
  /**
   * How many of the lowest peaks that count as notes have a harmonic (2nd to 8th) among the
   * peaks: a chord's notes do, the ringing modes of a drum (inharmonic) mostly do not.
   */
  harmonicNotes: number;
  /** Share (0..1) of the 55-2000 Hz energy that sits in sustained spectral peaks. */
  tonalRatio: number;
  /**
   * Shares (summing to 1, or all 0 without sustained peaks) of the sustained peak energy by
   * pitch class, C first: where a key's scale should hold most of it.
   */
  pitchClasses: number[];
  /**
   * How far the sustained peaks sit from equal temperament at A = 440 Hz, in cents (-50..50),
   * their energy-weighted circular mean: +32 for a recording tuned to A = 448, -32 for A = 432.
   */
  tuningCents: number;
  /**
   * The tuning (cents from A = 440 Hz) that notes and pitch classes were read against:
   * tuningCents when measureTonality was asked to retune, it is RETUNE_MIN_CENTS or more and
   * the partials agree on it (RETUNE_MIN_AGREEMENT), else 0. So a loop pitched between two
   * semitones is not split across both.
   */
  referenceCents: number;
}

const FRAME = 2048;
const HOP = 512;
/** Consecutive frames a partial must last to count as sustained (~0.23 s at 11025 Hz). */
export const SUSTAIN_FRAMES = 5;
const MIN_HZ = 55;
const MAX_HZ = 2000;
/** A peak stands this far above the mean of its neighbourhood (±NEIGHBOURS bins) to count. */
const PROMINENCE = 4;
const NEIGHBOURS = 12;
/** Tonality is read from at most this many seconds from the middle of the material. */
const WINDOW_S = 30;
/** Sustained peak energy is first gathered in steps of this many cents, then read by semitone. */
const FINE_CENTS = 10;
const FINE_PER_SEMITONE = 100 / FINE_CENTS;
/**
 * A measured tuning closer than this to A = 440 Hz (cents) is read as concert pitch: in-tune
 * renders measure within 15 cents (3 of the 240 tonal files of a rendered library reach 20), a
 * semitone's bins absorb that much, and music so read is weighed exactly as the key gate was
 * fitted.
 */
const RETUNE_MIN_CENTS = 20;
/**
 * ...and the partials agree on the tuning at least this much (the circular mean's length, see
 * measureTuning). A chord's partials share one tuning; a drum loop's toms, kick and snare each
 * ring at their own, spread round the semitone: half the drum loops of a rendered library
 * agree to 0.33 or less, while 95 % of its tonal loops agree to 0.42 or more. A drum
 * loop read against the tuning of its drums (0.38) was given a key.
 */
const RETUNE_MIN_AGREEMENT = 0.4;
/** Notes are sustained peaks holding at least this share of the strongest semitone's energy. */
const NOTE_SHARE = 0.05;
/**
 * Intervals (semitones) at which a peak is a harmonic of a lower note: its 2nd to 12th
 * harmonics, and the 3rd, 5th and 7th of the octave below for a note whose fundamental is
 * missing (a bass under 55 Hz, a small speaker's recording).
 */
const HARMONIC_INTERVALS = [
  ...Array.from({ length: 11 }, (_, i) => 12 * Math.log2(i + 2)),
  ...[3, 5, 7].map((h) => 12 * Math.log2(h / 2)),
];
/** The intervals of a note's own 2nd to 8th harmonics (semitones). */
const OWN_HARMONICS = Array.from({ length: 7 }, (_, i) => 12 * Math.log2(i + 2));
/** A peak within this many semitones of a harmonic interval is that harmonic. */
const HARMONIC_TOLERANCE = 0.6;

/**
 * Measures tonality from a power spectrogram (2048-point frames, 512 hop). Only partials that
 * last `sustainFrames` frames count (a running minimum over time), so drum transients and pitch
 * sweeps fall away; of those, peaks standing well above their spectral neighbourhood are
 * summed by MIDI note and their notes counted (readNotes). The tuning is measured from the same
 * peaks; with `retune`, notes are read against it (referenceCents), else against A = 440 Hz.
 * Material shorter than that span has no sustained pitch at all. Pure; one FFT per 46 ms of
 * audio, over 30 s at most.
 */
export function measureTonality(
  samples: Float32Array,
  sampleRate: number,
  sustainFrames = SUSTAIN_FRAMES,
  retune = false,
): Tonality {
  const span = Math.round(WINDOW_S * sampleRate);
  const start = Math.max(0, Math.floor((samples.length - span) / 2));
  const audio = samples.subarray(start, start + span);
  const spectrum = createPowerSpectrum(FRAME);
  const bins = FRAME / 2 + 1;
  const frameCount = tonalityFrames(audio.length);
  const none = {
    notes: 0,
    harmonicNotes: 0,
    tonalRatio: 0,
    pitchClasses: new Array<number>(12).fill(0),
    tuningCents: 0,
    referenceCents: 0,
  };
  if (frameCount < sustainFrames) return none;
  // Only the last sustainFrames spectra are needed at a time: frame j lives in
  // ring[j % sustainFrames], computed just before its first use.
  const ring = Array.from({ length: sustainFrames }, () => new Float64Array(bins));
  for (let j = 0; j < sustainFrames - 1; j++) spectrum.compute(audio, j * HOP, ring[j]!);
  const lo = Math.ceil((MIN_HZ * FRAME) / sampleRate);
  const hi = Math.min(bins - 2 - NEIGHBOURS, Math.floor((MAX_HZ * FRAME) / sampleRate));
  const sums = new Float64Array(2); // [total, tonal]
  const semitones = new Float64Array(128); // sustained peak energy by MIDI note at A = 440 Hz
  const fine = new Float64Array(128 * FINE_PER_SEMITONE); // the same by FINE_CENTS
  const sustained = new Float64Array(bins);
  const recent: Float64Array[] = []; // frames t..t + sustainFrames - 1, oldest first
  for (let t = 0; t + sustainFrames <= frameCount; t++) {
    const last = t + sustainFrames - 1;
    spectrum.compute(audio, last * HOP, ring[last % sustainFrames]!);
    for (let i = 0; i < sustainFrames; i++) recent[i] = ring[(t + i) % sustainFrames]!;
    sustainedMinimum(recent, sustained, Math.max(0, lo - NEIGHBOURS), hi + NEIGHBOURS);
    const now = ring[(t + (sustainFrames >> 1)) % sustainFrames]!;
    foldPeaks(now, sustained, lo, hi, sampleRate, sums, semitones, fine);
  }
  const [total = 0, tonal = 0] = sums;
  const tuning = measureTuning(fine);
  const tuningCents = tuning.cents;
  const retuned =
    retune && Math.abs(tuningCents) >= RETUNE_MIN_CENTS && tuning.agreement >= RETUNE_MIN_AGREEMENT;
  const referenceCents = retuned ? tuningCents : 0;
  const notes = referenceCents === 0 ? semitones : bySemitone(fine, referenceCents);
  return {
    ...readNotes(notes),
    tonalRatio: total > 0 ? Math.min(1, tonal / total) : 0,
    pitchClasses: foldPitchClasses(notes),
    tuningCents,
    referenceCents,
  };
}

/**
 * Where peak energy `fine` (by FINE_CENTS from MIDI note 0) sits within its semitone: the
 * energy-weighted circular mean in cents (-50..50), and the mean's length over the total energy
 * (0..1: 1 when every peak sits at the same place in its semitone, near 0 when they are spread
 * round it). Both 0 without energy. Pure.
 */
function measureTuning(fine: Float64Array): { cents: number; agreement: number } {
  let x = 0;
  let y = 0;
  let total = 0;
  fine.forEach((energy, i) => {
    const angle = (2 * Math.PI * (i % FINE_PER_SEMITONE)) / FINE_PER_SEMITONE;
    x += energy * Math.cos(angle);
    y += energy * Math.sin(angle);
    total += energy;
  });
  if (!(total > 0)) return { cents: 0, agreement: 0 };
  const cents = (Math.atan2(y, x) / (2 * Math.PI)) * 100;
  return { cents: Math.round(cents * 10) / 10, agreement: Math.hypot(x, y) / total };
}

/** Energy by MIDI note from `fine`, each semitone centred `tuningCents` from equal temperament. */
function bySemitone(fine: Float64Array, tuningCents: number): Float64Array {
  const semitones = new Float64Array(128);
  fine.forEach((energy, i) => {
    const midi = Math.round((i * FINE_CENTS - tuningCents) / 100);
    if (energy > 0 && midi >= 0 && midi < semitones.length) semitones[midi]! += energy;
  });
  return semitones;
}

/**
 * How many spectra measureTonality reads from `length` samples of material no longer than its
 * window: frames start at 0, HOP, … while at + FRAME <= length + FRAME / 2. Pure.
 */
export function tonalityFrames(length: number): number {
  return Math.max(0, Math.floor((length - FRAME / 2) / HOP) + 1);
}

/** Energy by MIDI note folded into pitch-class shares (all 0 when there is none). Pure. */
function foldPitchClasses(semitones: Float64Array): number[] {
  const classes = new Array<number>(12).fill(0);
  semitones.forEach((energy, midi) => (classes[midi % 12]! += energy));
  const total = classes.reduce((a, b) => a + b, 0);
  return total > 0 ? classes.map((energy) => energy / total) : classes;
}

/**
 * Counts the pitch classes of the notes behind sustained peak energy by MIDI note: from the
 * lowest peak up (a local maximum holding NOTE_SHARE of the strongest), a peak that is no
 * harmonic of a lower peak is a note of its own. Pure.
 */
export function countNotes(semitones: Float64Array): number {
  return readNotes(semitones).notes;
}

/** countNotes, and how many of the notes' peaks have one of their own harmonics among the peaks. */
function readNotes(semitones: Float64Array): { notes: number; harmonicNotes: number } {
  const strongest = Math.max(...semitones);
  if (!(strongest > 0)) return { notes: 0, harmonicNotes: 0 };
  const peaks: number[] = [];
  const roots: number[] = [];
  const notes = new Set<number>();
  const near = (interval: number, intervals: readonly number[]) =>
    intervals.some((h) => Math.abs(interval - h) <= HARMONIC_TOLERANCE);
  for (let n = 1; n < semitones.length - 1; n++) {
    const v = semitones[n]!;
    if (v < NOTE_SHARE * strongest || v < semitones[n - 1]! || v <= semitones[n + 1]!) continue;
    if (!peaks.some((f) => near(n - f, HARMONIC_INTERVALS))) {
      notes.add(n % 12);
      roots.push(n);
    }
    peaks.push(n);
  }
  const harmonicNotes = roots.filter((r) => peaks.some((p) => near(p - r, OWN_HARMONICS))).length;
  return { notes: notes.size, harmonicNotes };
}

// The per-frame work lives in these module-level functions, which V8 optimises once and keeps
// from one file to the next; inside measureTonality (run once per file) it would be recompiled
// on every call.

/** sustained[k] = the minimum of frames[·][k] over every frame, for k in from..to. */
function sustainedMinimum(
  frames: Float64Array[],
  sustained: Float64Array,
  from: number,
  to: number,
): void {
  for (let k = from; k <= to; k++) {
    let m = Infinity;
    for (const frame of frames) m = Math.min(m, frame[k]!);
    sustained[k] = m;
  }
}

/**
 * Adds the 55-2000 Hz energy of `now` to sums[0], and the energy of the prominent sustained
 * peaks (bins lo..hi) to sums[1], to their MIDI notes in `semitones` and, by FINE_CENTS steps
 * of pitch, to `fine`.
 */
function foldPeaks(
  now: Float64Array,
  sustained: Float64Array,
  lo: number,
  hi: number,
  sampleRate: number,
  sums: Float64Array,
  semitones: Float64Array,
  fine: Float64Array,
): void {
  let total = sums[0]!;
  for (let k = lo; k <= hi; k++) total += now[k]!;
  sums[0] = total;
  let tonal = sums[1]!;
  for (let k = lo; k <= hi; k++) {
    const v = sustained[k]!;
    if (v <= sustained[k - 1]! || v < sustained[k + 1]!) continue;
    let around = 0;
    for (let j = k - NEIGHBOURS; j <= k + NEIGHBOURS; j++) around += sustained[j]!;
    if (v < (PROMINENCE * around) / (2 * NEIGHBOURS + 1)) continue;
    const energy = v + sustained[k - 1]! + sustained[k + 1]!;
    tonal += energy;
    const a = Math.log(sustained[k - 1]! + 1e-20);
    const b = Math.log(v + 1e-20);
    const c = Math.log(sustained[k + 1]! + 1e-20);
    const offset = a - 2 * b + c === 0 ? 0 : (0.5 * (a - c)) / (a - 2 * b + c);
    const hz = ((k + offset) * sampleRate) / FRAME;
    const pitch = 12 * Math.log2(hz / 440) + 69;
    const midi = Math.round(pitch);
    if (midi >= 0 && midi < semitones.length) semitones[midi]! += energy;
    const step = Math.round(pitch * FINE_PER_SEMITONE);
    if (step >= 0 && step < fine.length) fine[step]! += energy;
  }
  sums[1] = tonal;
}
