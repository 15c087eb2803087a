import { baseFrameS, computeBandMatrix } from './band-matrix.js';
import type { DetailPcm } from '../detail-window.js';
import { bytesToBase64 } from './base64.js';
import { computeDetail, DETAIL_COMPUTE_MAX_MS } from './detail.js';
import { computeHighBands } from './high-bands.js';
import type { Fingerprint } from './fingerprint-types.js';
import { powersToBytes } from './quantise.js';
import { computeSpectrumProfile } from './spectrum-profile.js';
import { findTrimmedRegion } from './trim.js';

/**
 * Fingerprints mono PCM (`samples` in [-1, 1] at `sampleRate` Hz; ANALYSIS_SAMPLE_RATE in
 * practice, and fingerprints are compared best at one rate). Leading and trailing silence is
 * ignored relative to the sound's own level, and levels are stored relative to the sound's
 * loudest cell, so gain changes and added silence do not change the result.
 * `detailPcm` is the same sound's start at its own rate (see CanonicalPcm.detail): sounds
 * up to ~8.8 s get their attack's fine structure from it (`detail`), without which they are
 * never taken for a certain copy, and every sound its energy above 4.8 kHz (`high`, read from
 * the canonical PCM when there is no start at its own rate: then it holds nothing above 5.5 kHz).
 * Returns null when the input is silent (its loudest ~3 ms block is below -80 dBFS RMS).
 * @throws RangeError when `sampleRate` is not a positive finite number.
 */
export function computeFingerprint(
  samples: Float32Array,
  sampleRate: number,
  detailPcm: DetailPcm | null = null,
): Fingerprint | null {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) {
    throw new RangeError(`sampleRate must be a positive number of Hz, got ${sampleRate}`);
  }
  const region = findTrimmedRegion(samples, sampleRate);
  if (!region) return null;
  const matrix = computeBandMatrix(samples, sampleRate, region);
  const profile = computeSpectrumProfile(samples, sampleRate, region);
  const frameS = baseFrameS(sampleRate) * 2 ** matrix.level;
  const durationMs = Math.round(((region.endSample - region.startSample) / sampleRate) * 1e4) / 10;
  const detail =
    detailPcm && durationMs <= DETAIL_COMPUTE_MAX_MS
      ? computeDetail(detailPcm, region.startSample / sampleRate)
      : null;
  const high = computeHighBands(
    detailPcm ?? { samples, sampleRate },
    region.startSample / sampleRate,
    region.endSample / sampleRate,
  );
  return {
    v: 2,
    durationMs,
    edgeMs: Math.round(region.edgeS * 1e4) / 10,
    frameMs: Math.round(frameS * 1e7) / 1e4,
    frames: matrix.frames,
    matrix: bytesToBase64(powersToBytes(matrix.powers)),
    profile: bytesToBase64(powersToBytes(profile)),
    ...(detail ? { detail } : {}),
    tail: region.tail.map((t) => ({
      db: t.db,
      endMs: Math.round(t.endS * 1e4) / 10,
      edgeMs: Math.round(t.edgeS * 1e4) / 10,
    })),
    dcRemoved: true,
    high,
  };
}
