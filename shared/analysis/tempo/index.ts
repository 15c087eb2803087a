import { analyseTempo, MIN_TEMPO_CONFIDENCE } from './analyse-tempo.js';

export { matchLoopLength, type LoopMatch } from './loop-length.js';

export interface TempoEstimate {
  /** Beats per minute; null when there is no pulse (confidence below MIN_TEMPO_CONFIDENCE). */
  bpm: number | null;
  /**
   * 0..1: how clearly a steady pulse was found; above MIN_TEMPO_CONFIDENCE, scaled by how sure
   * its octave is (0.5..1), so that a tempo whose octave is a toss is not given 0.9.
   */
  confidence: number;
  /** Whole beats the clip spans when it is a cleanly cut loop at bpm, else null. */
  loopBeats: number | null;
}

export { MIN_TEMPO_CONFIDENCE };

/**
 * Estimates the tempo of mono PCM at any sampleRate (Hz), in the octave a producer would
 * write on the file (57-190 BPM). A clip up to 30 s whose length is a whole number of beats
 * (1, 2, 3, 4, 6, 8, 12, 16, 32 or 64) within 3 % of the measured tempo, and that starts on
 * the beat, is a loop: bpm is then exactly 60 * loopBeats / durationS. So is a clip of
 * sustained chords whose 4 or 8 changes divide it evenly (one chord a bar; a low confidence).
 * One-shots, silence, noise, DC and sustained tones give bpm null. Never throws: empty input, a non-positive
 * rate or non-finite samples give { bpm: null, confidence: 0, loopBeats: null }.
 */
export function estimateTempo(samples: Float32Array, sampleRate: number): TempoEstimate {
  const analysis = analyseTempo(samples, sampleRate);
  if (analysis.bpm === null || !(analysis.confidence >= MIN_TEMPO_CONFIDENCE)) {
    return { bpm: null, confidence: analysis.confidence, loopBeats: null };
  }
  // The gate asks whether there is a pulse; the confidence reported above it also says how sure
  // its octave is, so that a producer can trust a high one (an even toss halves the excess).
  const aboveGate = (analysis.confidence - MIN_TEMPO_CONFIDENCE) * analysis.octaveCertainty;
  return {
    bpm: analysis.bpm,
    confidence: MIN_TEMPO_CONFIDENCE + aboveGate,
    loopBeats: analysis.loopBeats,
  };
}
