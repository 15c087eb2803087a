import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { XXHashAPI } from 'xxhash-wasm';
import type { EssentiaKeyApi, Hints } from '../analysis/index.js';
import { DecodeError, sniffAudioFormat, type AudioFormat } from '../decode/index.js';
import {
  AccumulatingSink,
  analysedFile,
  claimsAudio,
  decodeInProcess,
  errorMessage,
  failedAnalysis,
  FLAC_LAST_BLOCK_FRAMES,
  hex64,
  missingFrames,
  StageClock,
  truncation,
  WHOLE_READ_MAX_BYTES,
  type Decoded,
  type FileAnalysis,
} from '../files/index.js';
import { decodeWithFfmpeg } from './ffmpeg-decode/ffmpeg.js';
import { decodeCanonicalWithFfmpeg } from './ffmpeg-decode/ffmpeg-canonical.js';
import { readHints } from './file-hints.js';
import { describeFsError } from './read-errors.js';

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
  caf: 10e6,
  // Read by ffmpeg only: natively from the first byte.
  wavpack: 0,
  w64: 0,
  wma: 0,
  au: 0,
};

/** What a file says of itself when its name and tags are not read. */
const NO_HINTS: Hints = { bpm: null, key: null };

export interface AnalyseFileDeps {
  hasher: XXHashAPI;
  essentia: EssentiaKeyApi;
  /** Whether ffmpeg (on the PATH) may decode long files and what the WASM decoders cannot read. */
  ffmpeg: boolean;
  /**
   * Whether tempo and key written in the file's name and tags are read (default true): they
   * are reported as `bpm_hint`/`key_hint` and settle a loop's tempo octave. False measures the
   * sound alone, as accuracy figures are first quoted.
   */
  hints?: boolean;
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
 * Hashes, decodes and analyses one file. Its bytes are read once (files over 64 MB are
 * streamed, so memory stays bounded); when ffmpeg is allowed, long files are decoded natively
 * (it reads them again, from the page cache), and a file the in-process decoders cannot read
 * gets a second chance through it. Never throws: every failure is a result with a reason.
 * @param name the file as the import knows it (its path from the import's root, a bucket
 *   object's key): its name is read for hints and the format, and it is the result's path.
 */
export async function analyseFile(
  path: string,
  deps: AnalyseFileDeps,
  name: string = path,
): Promise<FileAnalysis> {
  const fileName = basename(name);
  const audioName = claimsAudio(fileName);
  let sizeBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return failedAnalysis(name, 'skipped', 'not a regular file');
    sizeBytes = info.size;
  } catch (error) {
    return failedAnalysis(name, 'error', describeFsError(error));
  }
  if (sizeBytes === 0) {
    return failedAnalysis(name, audioName ? 'error' : 'skipped', 'empty file (0 bytes)', {
      sizeBytes,
    });
  }

  let bytes: Uint8Array | null = null;
  let contentHash: string | null = null;
  const clock = new StageClock();
  try {
    if (sizeBytes <= WHOLE_READ_MAX_BYTES) {
      const read = await clock.timeAsync('read', () => readFile(path));
      bytes = read;
      contentHash = clock.time('hash', () => hex64(deps.hasher.h64Raw(read)));
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
      return failedAnalysis(name, 'skipped', reason, {
        sizeBytes,
        contentHash,
      });
    }
    const format = sniffed.format;
    const inProcess = async (): Promise<Decoded> => {
      const held = bytes;
      if (held) return clock.timeAsync('decode', () => decodeInProcess(format, held));
      const hash = deps.hasher.create64();
      const chunks = clock.reads(createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES }));
      const decoded = await clock.timeAsync('decode', () =>
        decodeInProcess(format, chunks, (chunk) => clock.time('hash', () => hash.update(chunk))),
      );
      clock.settle('decode');
      contentHash = hex64(hash.digest());
      return decoded;
    };
    // ffmpeg decodes in its own process: this thread's time is the wait for it.
    const natively = async (canonical: boolean): Promise<Decoded> => {
      const [result, hash] = await Promise.all([
        clock.timeAsync('decode', () => decodeNatively(path, format, canonical)),
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
        // What only ffmpeg reads (ADPCM WAV, Apple Lossless, WavPack…) needs it installed.
        const unsupported = error instanceof DecodeError && error.code === 'unsupported';
        const hint = unsupported && !deps.ffmpeg ? '; install ffmpeg to import it' : '';
        return failedAnalysis(
          name,
          'error',
          `cannot decode ${format}: ${errorMessage(error)}${hint}`,
          { sizeBytes, contentHash, format },
        );
      }
      // Each decoder gets a second chance through the other: ffmpeg reads ADPCM or µ-law WAV
      // and odd MP4 layouts, the in-process decoders what a broken ffmpeg install cannot.
      try {
        decoded = nativeFirst ? await inProcess() : await natively(false);
      } catch (fallbackError) {
        const other = nativeFirst ? 'the in-process decoder' : 'ffmpeg';
        return failedAnalysis(
          name,
          'error',
          `cannot decode ${format}: ${errorMessage(error)}; ${other} could not read it either: ${errorMessage(fallbackError)}`,
          { sizeBytes, contentHash, format },
        );
      }
    }
    if (decoded.stats.frames === 0) {
      return failedAnalysis(name, 'error', `cannot decode ${format}: it holds no audio frames`, {
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
      return failedAnalysis(name, 'error', missing, {
        sizeBytes,
        contentHash,
        format,
        codec: decoded.codec,
      });
    }
    const held = bytes;
    const hints =
      deps.hints === false
        ? NO_HINTS
        : await clock.timeAsync('analyse', () => readHints(path, fileName, held));
    bytes = null;
    return analysedFile(
      { path: name, sizeBytes, contentHash, format },
      decoded,
      hints,
      deps.essentia,
      clock,
    );
  } catch (error) {
    return failedAnalysis(name, 'error', describeFsError(error), { sizeBytes, contentHash });
  }
}
