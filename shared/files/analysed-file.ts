import { analyseSound, type EssentiaKeyApi, type Hints } from '../analysis/index.js';
import { LOSSY_CODECS } from '../analysis/fingerprint/fingerprint-types.js';
import type { AudioFormat } from '../decode/index.js';
import type { Decoded } from './decoded.js';
import type { FileAnalysis } from './file-analysis.js';
import type { StageClock } from './stage-times.js';

/**
 * The result of a file whose audio decoded: its sound analysed (tempo, key, kind, fingerprint),
 * the time of each part added to `clock`.
 */
export function analysedFile(
  file: { path: string; sizeBytes: number; contentHash: string | null; format: AudioFormat },
  decoded: Decoded,
  hints: Hints,
  essentia: EssentiaKeyApi,
  clock: StageClock,
): FileAnalysis {
  const timings = { fingerprintMs: 0 };
  const analysis = clock.time('analyse', () =>
    analyseSound(decoded.stats, decoded.canonical, {
      hints,
      essentia,
      timings,
      noiseRms: sourceNoiseRms(decoded),
    }),
  );
  clock.move('analyse', 'fingerprint', timings.fingerprintMs);
  if (analysis.fingerprint) {
    analysis.fingerprint.lossless = isLosslessCodec(decoded.codec, decoded.bitDepth);
    const lossy = LOSSY_CODECS.find((c) => c === decoded.codec);
    if (lossy) analysis.fingerprint.lossy = lossy;
  }
  return {
    ...file,
    status: 'ok',
    error: null,
    codec: decoded.codec,
    bitDepth: decoded.bitDepth,
    analysis,
    stageMs: clock.ms,
  };
}

/**
 * The RMS of the quantisation error of a file of integer samples under 16 bits (8-bit PCM,
 * FLAC or WavPack), as it may reach the canonical PCM: step/√3, the error of a converter that
 * truncates (ffmpeg's 8-bit output does: a decay under one step reads 0 and -1 step, a DC
 * offset of half a step), taken whole (the same error in every channel survives the
 * down-mix, and its DC the resampling). Null for deeper, float or lossy files, whose noise
 * lies under what the fingerprint reads.
 */
export function sourceNoiseRms(decoded: Pick<Decoded, 'codec' | 'bitDepth'>): number | null {
  const bits = integerDepth(decoded.codec, decoded.bitDepth);
  return typeof bits !== 'number' || bits >= 16 || bits < 1 ? null : 2 / 2 ** bits / Math.sqrt(3);
}

/**
 * The bits of a lossless codec's integer samples (PCM, FLAC, ALAC, WavPack; 16 when a FLAC-like
 * decoder does not say); 'float' for float PCM; null for a lossy codec, or ffmpeg's output (the
 * second decoder, which says nothing of the source).
 */
function integerDepth(codec: string, bitDepth: number | null): number | 'float' | null {
  if (codec === 'flac' || codec === 'alac' || codec === 'wavpack') return bitDepth ?? 16;
  const pcm = /^pcm_([suf])(\d+)/.exec(codec);
  if (!pcm) return null;
  return pcm[1] === 'f' ? 'float' : Number(pcm[2]);
}

/**
 * Whether a decoder's codec stores audio losslessly at a depth where copies agree closely:
 * integer PCM of 16 bits or more, float PCM, FLAC, ALAC (Fingerprint.lossless). The second
 * decoder's `ffmpeg` says nothing of the source, so it is not.
 */
function isLosslessCodec(codec: string, bitDepth: number | null): boolean {
  const depth = integerDepth(codec, bitDepth);
  return depth === 'float' || (depth !== null && depth >= 16);
}
