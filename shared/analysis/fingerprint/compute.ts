import { baseFrameS, computeBandMatrix } from './band-matrix.js';
import { bytesToBase64 } from './base64.js';
import type { Fingerprint } from './fingerprint-types.js';
import { powersToBytes } from './quantise.js';
import { computeSpectrumProfile } from './spectrum-profile.js';
import { findTrimmedRegion } from './trim.js';

/**
 * Fingerprints mono PCM (`samples` in [-1, 1] at `sampleRate` Hz; ANALYSIS_SAMPLE_RATE in
 * practice, and fingerprints are compared best at one rate). Leading and trailing silence is
 * ignored relative to the sound's own level, and levels are stored relative to the sound's
 * loudest cell, so gain changes and added silence do not change the result.
 * Returns null when the input is silent (its loudest ~3 ms block is below -80 dBFS RMS).
 * @throws RangeError when `sampleRate` is not a positive finite number.
 */
export function computeFingerprint(samples: Float32Array, sampleRate: number): Fingerprint | null {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) {
    throw new RangeError(`sampleRate must be a positive number of Hz, got ${sampleRate}`);
  }
  const region = findTrimmedRegion(samples, sampleRate);
  if (!region) return null;
  const matrix = computeBandMatrix(samples, sampleRate, region);
  const profile = computeSpectrumProfile(samples, sampleRate, region);
  const frameS = baseFrameS(sampleRate) * 2 ** matrix.level;
  return {
    v: 2,
    durationMs: Math.round(((region.endSample - region.startSample) / sampleRate) * 1e4) / 10,
    edgeMs: Math.round(region.edgeS * 1e4) / 10,
    frameMs: Math.round(frameS * 1e7) / 1e4,
    frames: matrix.frames,
    matrix: bytesToBase64(powersToBytes(matrix.powers)),
    profile: bytesToBase64(powersToBytes(profile)),
  };
}
