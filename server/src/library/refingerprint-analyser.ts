import { Worker } from 'node:worker_threads';
import type { Fingerprint } from '../../../shared/analysis/index.js';
import type { FileAnalysis } from '../../../shared/files/index.js';

/** One stored file to analyse again. */
export interface StoredFileRequest {
  /** Where the object's bytes are on this machine. */
  objectPath: string;
  /** The file's original path: its name helps tell its format, as it did at import. */
  name: string;
  /** The xxh64 its bytes must have (16 hex digits); null for a file new to the library. */
  contentHash: string | null;
}

/**
 * The fingerprint a fresh import of the file would carry (null: silent) and the whole analysis
 * (`file`, whose status says whether it was read), or why there is none. A file new to the
 * library is always answered with its analysis: an unreadable one has status `error`.
 */
export type StoredFileOutcome =
  { ok: true; fingerprint: Fingerprint | null; file: FileAnalysis } | { ok: false; reason: string };

/** What the worker thread posts: once that it is ready, then one outcome per request. */
export type AnalyserWorkerMessage = { ready: true } | { outcome: StoredFileOutcome };

/** The analysis thread could not start: no file can be analysed in this process. */
export class AnalyserStartError extends Error {
  readonly code = 'ANALYSER_START';
  override name = 'AnalyserStartError';
}

/**
 * The shared analysis core (decoders, essentia.js) in a worker thread, off the event loop: for
 * re-fingerprinting stored files, and for files a bucket import fetches.
 */
export interface StoredFileAnalyser {
  /**
   * Analyses one file (one at a time): resolves with its outcome, also when the thread dies on
   * it (it is started again for the next file).
   * @throws AnalyserStartError when the thread cannot start.
   */
  analyse(request: StoredFileRequest): Promise<StoredFileOutcome>;
  /** Stops the thread; a file in analysis resolves as not analysed. */
  close(): Promise<void>;
}

/** A {@link StoredFileAnalyser} whose thread starts at the first file. */
export function createStoredFileAnalyser(): StoredFileAnalyser {
  const workerUrl = new URL('./refingerprint-worker.js', import.meta.url);
  const stopped: StoredFileOutcome = { ok: false, reason: 'the server stopped' };
  let thread: Worker | null = null;
  let ready: Promise<Worker> | null = null;
  let settle: ((outcome: StoredFileOutcome) => void) | null = null;
  let closing = false;

  const settleWith = (outcome: StoredFileOutcome) => {
    const pending = settle;
    settle = null;
    pending?.(outcome);
  };

  function start(): Promise<Worker> {
    const worker = new Worker(workerUrl);
    thread = worker;
    return new Promise<Worker>((resolve, reject) => {
      worker.on('message', (message: AnalyserWorkerMessage) => {
        if ('ready' in message) resolve(worker);
        else settleWith(message.outcome);
      });
      const lost = (reason: string) => {
        if (thread !== worker) return; // its 'error' came first
        thread = null;
        ready = null;
        reject(new AnalyserStartError(`the analysis thread cannot start: ${reason}`));
        settleWith(closing ? stopped : { ok: false, reason: `the analysis crashed: ${reason}` });
      };
      worker.on('error', (error) => lost(error.message));
      worker.on('exit', (code) => lost(`its thread exited with code ${code}`));
    });
  }

  return {
    async analyse(request) {
      if (closing) return stopped;
      ready ??= start();
      let worker: Worker;
      try {
        worker = await ready;
      } catch (error) {
        if (closing) return stopped;
        throw error;
      }
      return new Promise((resolve) => {
        settle = resolve;
        worker.postMessage(request);
      });
    },
    async close() {
      closing = true;
      await thread?.terminate();
    },
  };
}
