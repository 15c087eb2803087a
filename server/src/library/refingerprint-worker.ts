/**
 * The analysis thread of the re-fingerprinting task: a stored object's bytes through the shared
 * analysis core exactly as the web app reads a file (analyseSource), native ffmpeg as the
 * second decoder when it is on the PATH, as sm-import uses it.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import xxhash from 'xxhash-wasm';
import { loadEssentia } from '../../../shared/node/essentia.js';
import { ffmpegAvailable } from '../../../shared/node/ffmpeg-available.js';
import { analyseSource, errorMessage, type ByteSource } from '../../../shared/files/index.js';
import { transcodeFileToWav } from '../../../shared/node/ffmpeg-transcode.js';
import type {
  AnalyserWorkerMessage,
  StoredFileOutcome,
  StoredFileRequest,
} from './refingerprint-analyser.js';

const STREAM_CHUNK_BYTES = 1024 * 1024;

const port = parentPort;
if (!port) throw new Error('refingerprint-worker must run in a worker thread');
const hasher = await xxhash();
const essentia = loadEssentia();
const ffmpeg = await ffmpegAvailable();

/** A read failure of the object, without its path on this machine (reasons reach clients). */
function objectError(error: unknown): Error {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new Error('its stored object is missing from the data folder');
  return new Error(`its stored object cannot be read (${code ?? errorMessage(error)})`);
}

async function* chunksOf(path: string): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES })) {
      yield chunk as Buffer;
    }
  } catch (error) {
    throw objectError(error);
  }
}

async function headOf(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(head, 0, bytes, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function storedObject(path: string, name: string, sizeBytes: number): ByteSource {
  return {
    path: name,
    sizeBytes,
    head: (bytes) =>
      headOf(path, bytes).catch((error: unknown) => Promise.reject(objectError(error))),
    whole: () => readFile(path).catch((error: unknown) => Promise.reject(objectError(error))),
    chunks: () => chunksOf(path),
  };
}

async function reanalyse(request: StoredFileRequest): Promise<StoredFileOutcome> {
  const { objectPath, name, contentHash } = request;
  let sizeBytes: number;
  try {
    sizeBytes = (await stat(objectPath)).size;
  } catch (error) {
    return { ok: false, reason: objectError(error).message };
  }
  const result = await analyseSource(storedObject(objectPath, name, sizeBytes), {
    hasher,
    essentia,
    // The bytes it is handed are the object's: ffmpeg reads the object itself.
    ...(ffmpeg ? { transcodeToWav: () => transcodeFileToWav(objectPath) } : {}),
  });
  if (contentHash === null) {
    return { ok: true, fingerprint: result.analysis?.fingerprint ?? null, file: result };
  }
  if (result.contentHash !== null && result.contentHash !== contentHash) {
    return {
      ok: false,
      reason: `its stored bytes are damaged: they have xxh64 ${result.contentHash}, not ${contentHash}`,
    };
  }
  if (result.status !== 'ok' || !result.analysis) {
    return { ok: false, reason: result.error ?? 'it could not be analysed' };
  }
  return { ok: true, fingerprint: result.analysis.fingerprint, file: result };
}

port.on('message', (request: StoredFileRequest) => {
  reanalyse(request)
    .catch((error: unknown): StoredFileOutcome => ({
      ok: false,
      reason: `the analysis failed: ${errorMessage(error)}`,
    }))
    .then((outcome) => port.postMessage({ outcome } satisfies AnalyserWorkerMessage))
    .catch(() => undefined);
});
port.postMessage({ ready: true } satisfies AnalyserWorkerMessage);
