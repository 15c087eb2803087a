import { baseFrameS, computeBandMatrix, MATRIX_BANDS } from './band-matrix.js';
import type { DetailPcm } from '../detail-window.js';
import { bytesToBase64 } from './base64.js';
import { computeDetail, DETAIL_COMPUTE_MAX_MS } from './detail.js';
import { computeHighBands } from './high-bands.js';
import type { Fingerprint, SourceNoise } from './fingerprint-types.js';
import { powersToBytes } from './quantise.js';
import { mulberry32 } from '../prng.js';
import { computeSpectrumProfile } from './spectrum-profile.js';
import { findTrimmedRegion, type TrimmedRegion } from './trim.js';

/**
 * Fingerprints mono PCM (`samples` in [-1, 1] at `sampleRate` Hz; ANALYSIS_SAMPLE_RATE in
 * practice, and fingerprints are compared best at one rate). Leading and trailing silence is
 * ignored relative to the sound's own level, and levels are stored relative to the sound's
 * loudest cell, so gain changes and added silence do not change the result.
 * `detailPcm` is the same sound's start at its own rate (see CanonicalPcm.detail): sounds
 * up to ~8.8 s get their attack's fine structure from it (`detail`), without which they are
 * never taken for a certain copy, and every sound its energy above 4.8 kHz (`high`, read from
 * the canonical PCM when there is no start at its own rate: then it holds nothing above 5.5 kHz).
 * `noiseRms`: the RMS of the source's quantisation noise in `samples`, for a source stored at
 * under 16 bits (sourceNoiseRms): the levels it reaches are kept (`noise`), for the comparison
 * to read this file and any other only above them.
 * Returns null when the input is silent (its loudest ~3 ms block is below -80 dBFS RMS).
 * @throws RangeError when `sampleRate` is not a positive finite number.
 */
export function computeFingerprint(
  samples: Float32Array,
  sampleRate: number,
  detailPcm: DetailPcm | null = null,
  noiseRms: number | null = null,
): Fingerprint | null {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) {
    throw new RangeError(`sampleRate must be a positive number of Hz, got ${sampleRate}`);
  }
  const region = findTrimmedRegion(samples, sampleRate);
  if (!region) return null;
  const matrix = computeBandMatrix(samples, sampleRate, region);
  const profile = computeSpectrumProfile(samples, sampleRate, region);
  const noise =
    noiseRms === null ? null : noiseFloors(matrix.powers, profile, region, noiseRms, sampleRate);
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
    ...(noise ? { noise } : {}),
  };
}

/** Seconds of white noise the noise floors are measured on. */
const NOISE_PROBE_S = 1;

/**
 * The levels white noise of `noiseRms` reaches in the fingerprint's three scales: the band
 * matrix and the long-term spectrum (the noisiest band's or bin's mean power over a second of
 * it, read through the same windows and bands, in dB under the sound's loudest cell or bin)
 * and the level envelope (its energy under the loudest block's, `region.peakDbfs`).
 * Deterministic: the noise comes from a seeded generator.
 */
function noiseFloors(
  matrix: Float64Array,
  profile: Float64Array,
  region: TrimmedRegion,
  noiseRms: number,
  sampleRate: number,
): SourceNoise {
  const random = mulberry32(0x5eed);
  const length = Math.round(NOISE_PROBE_S * sampleRate);
  const noise = new Float32Array(length);
  // Uniform in ±√3·rms: a quantiser's error, of that RMS.
  for (let i = 0; i < length; i++) noise[i] = (2 * random() - 1) * Math.sqrt(3) * noiseRms;
  const whole = { startSample: 0, endSample: length, edgeS: 0, tail: [], peakDbfs: 0 };
  const probe = computeBandMatrix(noise, sampleRate, whole);
  const bandMean = new Float64Array(MATRIX_BANDS);
  for (let i = 0; i < probe.powers.length; i++) bandMean[i % MATRIX_BANDS]! += probe.powers[i]!;
  const tenth = (db: number) => Math.round(db * 10) / 10;
  const under = (noise: number, loudest: number) => tenth(10 * Math.log10(noise / loudest + 1e-30));
  return {
    matrixDb: under(Math.max(...bandMean) / probe.frames, Math.max(...matrix)),
    profileDb: under(
      Math.max(...computeSpectrumProfile(noise, sampleRate, whole)),
      Math.max(...profile),
    ),
    levelDb: tenth(20 * Math.log10(noiseRms) - region.peakDbfs),
  };
}
