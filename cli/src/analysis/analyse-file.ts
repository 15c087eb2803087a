import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { XXHashAPI } from 'xxhash-wasm';
import {
  analyseSound,
  createPcmAccumulator,
  type EssentiaKeyApi,
  type PcmAccumulator,
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
import { failedAnalysis, type FileAnalysis } from './file-analysis.js';
import { readHints } from './file-hints.js';
import { describeFsError } from './read-errors.js';

/** Files up to this size are read into memory once; larger ones are streamed. */
const WHOLE_READ_MAX_BYTES = 64 * 1024 * 1024;
const DECODE_CHUNK_BYTES = 256 * 1024;
const STREAM_CHUNK_BYTES = 1024 * 1024;

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
  /** Whether ffmpeg may decode what the WASM decoders cannot (it must be on the PATH). */
  ffmpeg: boolean;
}

function hex64(value: bigint): string {
  return value.toString(16).padStart(16, '0');
}

/** A sink that builds the accumulator once the stream says its rate and channels. */
function accumulatingSink(): PcmSink & {
  info_: StreamInfo | null;
  accumulator: PcmAccumulator | null;
} {
  const sink = {
    info_: null as StreamInfo | null,
    accumulator: null as PcmAccumulator | null,
    info(info: StreamInfo) {
      sink.info_ = info;
      sink.accumulator = createPcmAccumulator(info.sampleRate, info.channels);
    },
    pcm(channels: Float32Array[]) {
      sink.accumulator?.push(channels);
    },
  };
  return sink;
}

async function decodeBytes(format: AudioFormat, bytes: Uint8Array, sink: PcmSink): Promise<void> {
  const decoder = await createStreamDecoder(format, sink);
  try {
    for (let i = 0; i < bytes.length; i += DECODE_CHUNK_BYTES) {
      await decoder.write(bytes.subarray(i, i + DECODE_CHUNK_BYTES));
    }
    await decoder.end();
  } finally {
    decoder.free();
  }
}

/** Streams the file once, feeding the hash and the decoder chunk by chunk. */
async function hashAndDecodeStream(
  path: string,
  format: AudioFormat,
  sink: PcmSink,
  hasher: XXHashAPI,
): Promise<string> {
  const hash = hasher.create64();
  const decoder = await createStreamDecoder(format, sink);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES })) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      await decoder.write(bytes);
    }
    await decoder.end();
  } finally {
    decoder.free();
  }
  return hex64(hash.digest());
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
    const head = new Uint8Array(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Hashes, decodes and analyses one file, reading its bytes once (files over 64 MB are
 * streamed, so memory stays bounded). A file the in-process decoders cannot read gets a second
 * chance through ffmpeg when allowed. Never throws: every failure is a result with a reason.
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
    const head = bytes ? bytes.subarray(0, 4096) : await readHead(path);
    const sniffed = sniffAudioFormat(head, fileName);
    if (!sniffed.ok) {
      contentHash ??= await hashStream(path, deps.hasher);
      const notAudio = sniffed.reason.startsWith('not audio') || !claimsAudio;
      return failedAnalysis(path, notAudio ? 'skipped' : 'error', sniffed.reason, {
        sizeBytes,
        contentHash,
      });
    }
    const format = sniffed.format;
    let sink = accumulatingSink();
    const partial = { sizeBytes, format } as const;
    try {
      if (bytes) await decodeBytes(format, bytes, sink);
      else contentHash = await hashAndDecodeStream(path, format, sink, deps.hasher);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const retryable = error instanceof DecodeError && error.code !== 'empty';
      if (!deps.ffmpeg || !retryable) {
        return failedAnalysis(path, 'error', `cannot decode ${format}: ${reason}`, {
          ...partial,
          contentHash,
        });
      }
      // What the WASM decoders cannot read (ADPCM or µ-law WAV, odd MP4 layouts) ffmpeg may.
      sink = accumulatingSink();
      try {
        [contentHash] = await Promise.all([
          contentHash ?? hashStream(path, deps.hasher),
          decodeWithFfmpeg(path, sink),
        ]);
      } catch (fallbackError) {
        const also = fallbackError instanceof Error ? fallbackError.message : String(fallbackError);
        return failedAnalysis(
          path,
          'error',
          `cannot decode ${format}: ${reason}; ffmpeg could not read it either: ${also}`,
          { ...partial, contentHash },
        );
      }
    }
    const stream = sink.info_;
    const accumulator = sink.accumulator;
    if (!stream || !accumulator) {
      return failedAnalysis(path, 'error', `cannot decode ${format}: no audio stream found`, {
        ...partial,
        contentHash,
      });
    }
    const { stats, canonical } = accumulator.finish();
    if (stats.frames === 0) {
      return failedAnalysis(path, 'error', `cannot decode ${format}: it holds no audio frames`, {
        ...partial,
        contentHash,
        codec: stream.codec,
      });
    }
    const hints = await readHints(path, fileName, bytes);
    bytes = null;
    const analysis = analyseSound(stats, canonical, { hints, essentia: deps.essentia });
    return {
      path,
      status: 'ok',
      error: null,
      sizeBytes,
      contentHash,
      format,
      codec: stream.codec,
      bitDepth: stream.bitDepth,
      analysis,
    };
  } catch (error) {
    return failedAnalysis(path, 'error', describeFsError(error), { sizeBytes, contentHash });
  }
}
