/**
 * The analysis thread of the server (bucket objects, re-fingerprinting): a file through the
 * same analysis as sm-import's (analyseFile): in-process decoders, native ffmpeg first for long
 * files and as the second decoder when it is on the PATH.
 */
import { stat } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import xxhash from 'xxhash-wasm';
import { analyseFile } from '../../../shared/node/analyse-file.js';
import { loadEssentia } from '../../../shared/node/essentia.js';
import { ffmpegAvailable } from '../../../shared/node/ffmpeg-available.js';
import { errorMessage } from '../../../shared/files/index.js';
import type {
  AnalyserWorkerMessage,
  StoredFileOutcome,
  StoredFileRequest,
} from './refingerprint-analyser.js';

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

async function reanalyse(request: StoredFileRequest): Promise<StoredFileOutcome> {
  const { objectPath, name, contentHash } = request;
  try {
    await stat(objectPath);
  } catch (error) {
    return { ok: false, reason: objectError(error).message };
  }
  const result = await analyseFile(objectPath, { hasher, essentia, ffmpeg }, name);
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
