import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { XXHashAPI } from 'xxhash-wasm';
import {
  analyseSound,
  createPcmAccumulator,
  type CanonicalPcm,
  type EssentiaKeyApi,
  type PcmAccumulator,
  type StreamStats,
} from '../../../shared/analysis/index.js';
import {
  createStreamDecoder,
  DecodeError,
  sniffAudioFormat,
  type AudioFormat,
  type PcmSink,
  type StreamInfo,
} from '../../../shared/decode/index.js';
import { decodeWithFfmpeg } from '../decode/ffmpeg.js';
import { decodeCanonicalWithFfmpeg } from '../decode/ffmpeg-canonical.js';
import { failedAnalysis, type FileAnalysis } from './file-analysis.js';
import { readHints } from './file-hints.js';
import { describeFsError } from './read-errors.js';

/** Files up to this size are read into memory once; larger ones are streamed. */
const WHOLE_READ_MAX_BYTES = 64 * 1024 * 1024;
const DECODE_CHUNK_BYTES = 256 * 1024;
const STREAM_CHUNK_BYTES = 1024 * 1024;
const HEAD_BYTES = 4096;

/**
 * From these sizes on (about a minute of audio) native ffmpeg decodes, down-mixes, resamples
 * and meters faster than in-process WASM and JavaScript, its ~0.1 s start-up included.
 */
const FFMPEG_FROM_BYTES: Record<AudioFormat, number> = {
  mp3: 1.5e6,
  'ogg-vorbis': 1.5e6,
  opus: 1e6,
  m4a: 1.5e6,
  flac: 5e6,
  wav: 10e6,
  aiff: 10e6,
};

const AUDIO_EXTENSIONS = new Set([
  '.wav',
  '.wave',
  '.bwf',
  '.rf64',
  '.aif',
  '.aiff',
  '.aifc',
  '.flac',
  '.mp3',
  '.ogg',
  '.oga',
  '.opus',
  '.m4a',
  '.mp4',
  '.aac',
  '.alac',
]);

export interface AnalyseFileDeps {
  hasher: XXHashAPI;
  essentia: EssentiaKeyApi;
  /** Whether ffmpeg (on the PATH) may decode long files and what the WASM decoders cannot read. */
  ffmpeg: boolean;
}

/** What decoding hands to the analysis. */
interface Decoded {
  stats: StreamStats;
  canonical: CanonicalPcm;
  codec: string;
  bitDepth: number | null;
  /** Sample frames the container's header promises, where it says. */
  declaredFrames: number | null;
}

function hex64(value: bigint): string {
  return value.toString(16).padStart(16, '0');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A sink that builds the accumulator once the stream says its rate and channels. */
class AccumulatingSink implements PcmSink {
  stream: StreamInfo | null = null;
  accumulator: PcmAccumulator | null = null;

  info(info: StreamInfo): void {
    this.stream = info;
    this.accumulator = createPcmAccumulator(info.sampleRate, info.channels);
  }

  pcm(channels: Float32Array[]): void {
    this.accumulator?.push(channels);
  }

  finish(format: AudioFormat): Decoded {
    if (!this.stream || !this.accumulator) {
      throw new DecodeError('corrupt', `no ${format} audio stream found`);
    }
    const { stats, canonical } = this.accumulator.finish();
    const { codec, bitDepth, declaredFrames } = this.stream;
    return { stats, canonical, codec, bitDepth, declaredFrames };
  }
}

async function hashStream(path: string, hasher: XXHashAPI): Promise<string> {
  const hash = hasher.create64();
  for await (const chunk of createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES })) {
    hash.update(chunk as Buffer);
  }
  return hex64(hash.digest());
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Decodes bytes already in memory with the in-process decoders. */
async function decodeBytes(format: AudioFormat, bytes: Uint8Array): Promise<Decoded> {
  const sink = new AccumulatingSink();
  const decoder = await createStreamDecoder(format, sink);
  try {
    for (let i = 0; i < bytes.length; i += DECODE_CHUNK_BYTES) {
      await decoder.write(bytes.subarray(i, i + DECODE_CHUNK_BYTES));
    }
    await decoder.end();
  } finally {
    decoder.free();
  }
  return sink.finish(format);
}

/** Streams a large file once, feeding the hash and the in-process decoder chunk by chunk. */
async function hashAndDecodeStream(
  path: string,
  format: AudioFormat,
  hasher: XXHashAPI,
): Promise<{ decoded: Decoded; contentHash: string }> {
  const hash = hasher.create64();
  const sink = new AccumulatingSink();
  const decoder = await createStreamDecoder(format, sink);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES })) {
      hash.update(chunk as Buffer);
      await decoder.write(chunk as Buffer);
    }
    await decoder.end();
  } finally {
    decoder.free();
  }
  return { decoded: sink.finish(format), contentHash: hex64(hash.digest()) };
}

/** Decodes through ffmpeg: the canonical fast path, or full PCM through the accumulator. */
async function decodeNatively(
  path: string,
  format: AudioFormat,
  canonical: boolean,
): Promise<Decoded> {
  if (canonical) {
    const { stream, stats, canonical: pcm } = await decodeCanonicalWithFfmpeg(path);
    return {
      stats,
      canonical: pcm,
      codec: stream.codec,
      bitDepth: stream.bitDepth,
      declaredFrames: null,
    };
  }
  const sink = new AccumulatingSink();
  await decodeWithFfmpeg(path, sink);
  return sink.finish(format);
}

/**
 * @wasm-audio-decoders/flac sometimes drops a file's last, shorter block (seen on ffmpeg-made
 * FLAC: 78,336 of 81,794 frames); a shortfall within one block is that, not a cut file.
 */
const FLAC_LAST_BLOCK_FRAMES = 16384;

/** Frames missing from what the header promises, when clearly more than rounding (1 %, 50 ms). */
function missingFrames({ stats, declaredFrames }: Decoded): number {
  if (declaredFrames === null) return 0;
  const missing = declaredFrames - stats.frames;
  return missing > Math.max(0.01 * declaredFrames, 0.05 * stats.sampleRate) ? missing : 0;
}

/**
 * Says why a file is truncated when its header promises clearly more audio than it holds,
 * else null: analysing the part that is there would report a wrong duration and match the
 * sound it was cut from.
 */
function truncation(decoded: Decoded, declaredFrames: number | null): string | null {
  const { stats } = decoded;
  if (declaredFrames === null || missingFrames({ ...decoded, declaredFrames }) === 0) return null;
  const s = (frames: number) => `${(frames / stats.sampleRate).toFixed(2)} s`;
  return `truncated: the header declares ${s(declaredFrames)} of audio but the file holds ${s(stats.frames)} (an incomplete copy or download?)`;
}

/**
 * Hashes, decodes and analyses one file. Its bytes are read once (files over 64 MB are
 * streamed, so memory stays bounded); when ffmpeg is allowed, long files are decoded natively
 * (it reads them again, from the page cache), and a file the in-process decoders cannot read
 * gets a second chance through it. Never throws: every failure is a result with a reason.
 */
export async function analyseFile(path: string, deps: AnalyseFileDeps): Promise<FileAnalysis> {
  const fileName = basename(path);
  const claimsAudio = AUDIO_EXTENSIONS.has(extname(fileName).toLowerCase());
  let sizeBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return failedAnalysis(path, 'skipped', 'not a regular file');
    sizeBytes = info.size;
  } catch (error) {
    return failedAnalysis(path, 'error', describeFsError(error));
  }
  if (sizeBytes === 0) {
    return failedAnalysis(path, claimsAudio ? 'error' : 'skipped', 'empty file (0 bytes)', {
      sizeBytes,
    });
  }

  let bytes: Uint8Array | null = null;
  let contentHash: string | null = null;
  try {
    if (sizeBytes <= WHOLE_READ_MAX_BYTES) {
      bytes = await readFile(path);
      contentHash = hex64(deps.hasher.h64Raw(bytes));
    }
    const sniffed = sniffAudioFormat(
      bytes ? bytes.subarray(0, HEAD_BYTES) : await readHead(path),
      fileName,
    );
    if (!sniffed.ok) {
      contentHash ??= await hashStream(path, deps.hasher);
      const reason = sniffed.reason.startsWith('unrecognised')
        ? `not audio: ${sniffed.reason}`
        : sniffed.reason;
      return failedAnalysis(path, 'skipped', reason, {
        sizeBytes,
        contentHash,
      });
    }
    const format = sniffed.format;
    const inProcess = async (): Promise<Decoded> => {
      if (bytes) return decodeBytes(format, bytes);
      const streamed = await hashAndDecodeStream(path, format, deps.hasher);
      contentHash = streamed.contentHash;
      return streamed.decoded;
    };
    const natively = async (canonical: boolean): Promise<Decoded> => {
      const [result, hash] = await Promise.all([
        decodeNatively(path, format, canonical),
        contentHash ?? hashStream(path, deps.hasher),
      ]);
      contentHash = hash;
      return result;
    };
    const nativeFirst = deps.ffmpeg && sizeBytes >= FFMPEG_FROM_BYTES[format];
    let decoded: Decoded;
    try {
      decoded = nativeFirst ? await natively(true) : await inProcess();
    } catch (error) {
      const retry = deps.ffmpeg && error instanceof DecodeError && error.code !== 'empty';
      if (!retry) {
        return failedAnalysis(path, 'error', `cannot decode ${format}: ${message(error)}`, {
          sizeBytes,
          contentHash,
          format,
        });
      }
      // Each decoder gets a second chance through the other: ffmpeg reads ADPCM or µ-law WAV
      // and odd MP4 layouts, the in-process decoders what a broken ffmpeg install cannot.
      try {
        decoded = nativeFirst ? await inProcess() : await natively(false);
      } catch (fallbackError) {
        const other = nativeFirst ? 'the in-process decoder' : 'ffmpeg';
        return failedAnalysis(
          path,
          'error',
          `cannot decode ${format}: ${message(error)}; ${other} could not read it either: ${message(fallbackError)}`,
          { sizeBytes, contentHash, format },
        );
      }
    }
    if (decoded.stats.frames === 0) {
      return failedAnalysis(path, 'error', `cannot decode ${format}: it holds no audio frames`, {
        sizeBytes,
        contentHash,
        format,
        codec: decoded.codec,
      });
    }
    let declaredFrames = decoded.declaredFrames;
    const short = missingFrames(decoded);
    if (short > 0 && deps.ffmpeg && !nativeFirst) {
      // Let ffmpeg confirm a cut before calling it one: it reads every frame that is there.
      decoded = await natively(true).catch(() => decoded);
    } else if (short > 0 && format === 'flac' && short <= FLAC_LAST_BLOCK_FRAMES) {
      declaredFrames = null;
    }
    const missing = truncation(decoded, declaredFrames);
    if (missing) {
      return failedAnalysis(path, 'error', missing, {
        sizeBytes,
        contentHash,
        format,
        codec: decoded.codec,
      });
    }
    const hints = await readHints(path, fileName, bytes);
    bytes = null;
    const analysis = analyseSound(decoded.stats, decoded.canonical, {
      hints,
      essentia: deps.essentia,
    });
    return {
      path,
      status: 'ok',
      error: null,
      sizeBytes,
      contentHash,
      format,
      codec: decoded.codec,
      bitDepth: decoded.bitDepth,
      analysis,
    };
  } catch (error) {
    return failedAnalysis(path, 'error', describeFsError(error), { sizeBytes, contentHash });
  }
}
