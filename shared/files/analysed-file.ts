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
    analyseSound(decoded.stats, decoded.canonical, { hints, essentia, timings }),
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
 * Whether a decoder's codec stores audio losslessly at a depth where copies agree closely:
 * integer PCM of 16 bits or more, float PCM, FLAC, ALAC (Fingerprint.lossless). The second
 * decoder's `ffmpeg` says nothing of the source, so it is not.
 */
function isLosslessCodec(codec: string, bitDepth: number | null): boolean {
  if (codec === 'flac' || codec === 'alac' || codec === 'wavpack') return (bitDepth ?? 16) >= 16;
  const pcm = /^pcm_([suf])(\d+)/.exec(codec);
  return pcm !== null && Number(pcm[2]) >= 16;
}
