/**
 * One analysis worker: hashes, decodes and analyses files with the shared analysis core
 * (xxhash-wasm, the in-process WASM decoders, essentia.js), reading each File once.
 */
import * as Comlink from 'comlink';
import Essentia from 'essentia.js/dist/essentia.js-core.es.js';
import { EssentiaWASM } from 'essentia.js/dist/essentia-wasm.es.js';
import xxhash from 'xxhash-wasm';
import { transcodeToWav } from './ffmpeg-transcoder.js';
import type { EssentiaKeyApi } from '../../../shared/analysis/index.js';
import {
  analyseSource,
  failedAnalysis,
  type ByteSource,
  type FileAnalysis,
} from '../../../shared/files/index.js';

/** Bytes read from a large File at a time. */
const STREAM_CHUNK_BYTES = 4 * 1024 * 1024;

const deps = (async () => ({
  hasher: await xxhash(),
  essentia: new Essentia(EssentiaWASM) as EssentiaKeyApi,
  transcodeToWav,
}))();

async function* chunksOf(file: Blob): AsyncIterable<Uint8Array> {
  for (let offset = 0; offset < file.size; offset += STREAM_CHUNK_BYTES) {
    yield new Uint8Array(await file.slice(offset, offset + STREAM_CHUNK_BYTES).arrayBuffer());
  }
}

function fileSource(file: Blob, path: string): ByteSource {
  return {
    path,
    sizeBytes: file.size,
    head: async (bytes) => new Uint8Array(await file.slice(0, bytes).arrayBuffer()),
    whole: async () => new Uint8Array(await file.arrayBuffer()),
    chunks: () => chunksOf(file),
  };
}

const api = {
  /** Analyses one file; never rejects (a failure is a result with a reason). */
  async analyse(file: Blob, path: string): Promise<FileAnalysis> {
    try {
      return await analyseSource(fileSource(file, path), await deps);
    } catch (error) {
      return failedAnalysis(path, 'error', `analysis failed: ${String(error)}`);
    }
  },
};

export type AnalysisWorkerApi = typeof api;

Comlink.expose(api);
