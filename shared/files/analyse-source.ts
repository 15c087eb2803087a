import type { XXHashAPI } from 'xxhash-wasm';
import type { EssentiaKeyApi } from '../analysis/index.js';
import { DecodeError, sniffAudioFormat } from '../decode/index.js';
import {
  claimsAudio,
  decodeInProcess,
  errorMessage,
  FLAC_LAST_BLOCK_FRAMES,
  hex64,
  missingFrames,
  truncation,
  type Decoded,
} from './decoded.js';
import { analysedFile } from './analysed-file.js';
import { failedAnalysis, type FileAnalysis } from './file-analysis.js';
import { StageClock } from './stage-times.js';
import { hintsFromBytes } from './tag-hints.js';

/** A file to analyse, wherever its bytes come from (a browser File, a test's buffer). */
export interface ByteSource {
  /** The path reported in the result, '/'-separated from the import's root. */
  path: string;
  sizeBytes: number;
  /** The first `bytes` bytes (fewer if the file is shorter). */
  head(bytes: number): Promise<Uint8Array>;
  /** All bytes, for files up to {@link WHOLE_READ_MAX_BYTES}. */
  whole(): Promise<Uint8Array>;
  /** The bytes in order, in chunks, for larger files: memory stays bounded. */
  chunks(): AsyncIterable<Uint8Array>;
}

export interface AnalyseSourceDeps {
  hasher: XXHashAPI;
  essentia: EssentiaKeyApi;
  /**
   * A second decoder for what the in-process ones cannot read (ADPCM or µ-law WAV, odd MP4
   * layouts): the file's bytes in, the same audio as a 32-bit float WAV out. Rejects with a
   * reason when it cannot read the file either.
   */
  transcodeToWav?: (bytes: Uint8Array) => Promise<Uint8Array>;
}

/** Files up to this size are read into memory once; larger ones are streamed. */
export const WHOLE_READ_MAX_BYTES = 64 * 1024 * 1024;
/** Where tags and format magic are looked for in a streamed file. */
const HEAD_BYTES = 256 * 1024;

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Hashes, decodes (in-process WASM and JavaScript decoders) and analyses one file, reading its
 * bytes once. Never throws: every failure is a result with a reason a person can read.
 */
export async function analyseSource(
  source: ByteSource,
  deps: AnalyseSourceDeps,
): Promise<FileAnalysis> {
  const { path, sizeBytes } = source;
  const fileName = baseName(path);
  const audioName = claimsAudio(fileName);
  if (sizeBytes === 0) {
    return failedAnalysis(path, audioName ? 'error' : 'skipped', 'empty file (0 bytes)', {
      sizeBytes,
    });
  }
  let contentHash: string | null = null;
  const clock = new StageClock();
  try {
    const whole =
      sizeBytes <= WHOLE_READ_MAX_BYTES
        ? await clock.timeAsync('read', () => source.whole())
        : null;
    if (whole) contentHash = clock.time('hash', () => hex64(deps.hasher.h64Raw(whole)));
    const head = whole
      ? whole.subarray(0, HEAD_BYTES)
      : await clock.timeAsync('read', () => source.head(HEAD_BYTES));
    const sniffed = sniffAudioFormat(head.subarray(0, 4096), fileName);
    if (!sniffed.ok) {
      contentHash ??= await hashChunks(source, deps.hasher);
      const reason = sniffed.reason.startsWith('unrecognised')
        ? `not audio: ${sniffed.reason}`
        : sniffed.reason;
      return failedAnalysis(path, 'skipped', reason, { sizeBytes, contentHash });
    }
    const format = sniffed.format;
    let decoded: Decoded;
    try {
      if (whole) {
        decoded = await clock.timeAsync('decode', () => decodeInProcess(format, whole));
      } else {
        const hash = deps.hasher.create64();
        decoded = await clock.timeAsync('decode', () =>
          decodeInProcess(format, clock.reads(source.chunks()), (chunk) =>
            clock.time('hash', () => hash.update(chunk)),
          ),
        );
        clock.settle('decode');
        contentHash = hex64(hash.digest());
      }
    } catch (error) {
      contentHash ??= await hashChunks(source, deps.hasher).catch(() => null);
      const reason =
        error instanceof DecodeError ? error.message : `decoder failed: ${errorMessage(error)}`;
      const retry =
        deps.transcodeToWav && !(error instanceof DecodeError && error.code === 'empty');
      const second = retry ? await transcoded(source, whole, deps.transcodeToWav!) : null;
      if (!second || 'reason' in second) {
        const also = second ? `; ffmpeg could not read it either: ${second.reason}` : '';
        return failedAnalysis(path, 'error', `cannot decode ${format}: ${reason}${also}`, {
          sizeBytes,
          contentHash,
          format,
        });
      }
      decoded = second;
      clock.ms.decode += second.decodeMs;
    }
    const failed = { sizeBytes, contentHash, format, codec: decoded.codec };
    if (decoded.stats.frames === 0) {
      return failedAnalysis(
        path,
        'error',
        `cannot decode ${format}: it holds no audio frames`,
        failed,
      );
    }
    const short = missingFrames(decoded);
    const declared =
      short > 0 && format === 'flac' && short <= FLAC_LAST_BLOCK_FRAMES
        ? null
        : decoded.declaredFrames;
    const cut = truncation(decoded, declared);
    if (cut) return failedAnalysis(path, 'error', cut, failed);
    const hints = await clock.timeAsync('analyse', () => hintsFromBytes(fileName, whole ?? head));
    const facts = { path, sizeBytes, contentHash, format };
    return analysedFile(facts, decoded, hints, deps.essentia, clock);
  } catch (error) {
    return failedAnalysis(path, 'error', `cannot read the file: ${errorMessage(error)}`, {
      sizeBytes,
      contentHash,
    });
  }
}

/** Files the second decoder takes (it holds the file and its decoded audio in memory). */
const TRANSCODE_MAX_BYTES = 512 * 1024 * 1024;

/** The file decoded by the second decoder, or why it could not be. */
async function transcoded(
  source: ByteSource,
  whole: Uint8Array | null,
  transcodeToWav: (bytes: Uint8Array) => Promise<Uint8Array>,
): Promise<(Decoded & { decodeMs: number }) | { reason: string }> {
  if (source.sizeBytes > TRANSCODE_MAX_BYTES) return { reason: 'the file is too large for it' };
  try {
    const start = performance.now();
    const wav = await transcodeToWav(whole ?? (await source.whole()));
    const decoded = await decodeInProcess('wav', wav);
    const decodeMs = performance.now() - start;
    // Its header is ffmpeg's, not the file's: it says nothing of the source's codec or depth.
    return { ...decoded, codec: 'ffmpeg', bitDepth: null, declaredFrames: null, decodeMs };
  } catch (error) {
    return { reason: errorMessage(error) };
  }
}

async function hashChunks(source: ByteSource, hasher: XXHashAPI): Promise<string> {
  const hash = hasher.create64();
  for await (const chunk of source.chunks()) hash.update(chunk);
  return hex64(hash.digest());
}
