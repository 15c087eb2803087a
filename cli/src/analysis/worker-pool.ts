import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ffmpegAvailable } from '../../../shared/node/ffmpeg-available.js';
import { failedAnalysis, type FileAnalysis } from '../../../shared/files/index.js';
import { createTaskPool, type PoolSlot } from '../../../shared/workers/task-pool.js';
import type { WorkerRequest, WorkerResponse } from './worker-messages.js';

/** A pool of analysis worker threads; each file runs in one of them, one at a time per thread. */
export interface AnalysisPool {
  /** Worker threads. */
  readonly size: number;
  /** Analyses a file; resolves with a result (never rejects), even if its worker dies. */
  analyse(path: string): Promise<FileAnalysis>;
  close(): Promise<void>;
}

/**
 * A pool for a run of `fileCount` files: `concurrency` threads (default one per core), never
 * more than there are files; ffmpeg is used when allowed (default) and on the PATH; tempo and
 * key written in names and tags are read unless `hints` is false.
 */
export async function createAnalysisPoolFor(
  fileCount: number,
  options: { concurrency?: number; ffmpeg?: boolean; hints?: boolean },
): Promise<AnalysisPool> {
  const size = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), fileCount || 1));
  return createAnalysisPool(size, {
    ffmpeg: (options.ffmpeg ?? true) && (await ffmpegAvailable()),
    hints: options.hints ?? true,
  });
}

/** One analysis thread as the shared task pool drives it: it takes files once it says it is ready. */
function spawnThread(
  options: { ffmpeg: boolean; hints: boolean },
  threads: Set<Worker>,
): PoolSlot<string, FileAnalysis> {
  const worker = new Worker(new URL('./analyse-worker.js', import.meta.url), {
    workerData: options,
  });
  threads.add(worker);
  worker.once('exit', () => threads.delete(worker));
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  let task: { id: number; resolve: (result: FileAnalysis) => void } | null = null;
  let nextId = 0;
  worker.on('message', (message: WorkerResponse | { ready: true }) => {
    if ('ready' in message) started();
    else if (task && message.id === task.id) {
      const { resolve } = task;
      task = null;
      resolve(message.result);
    }
  });
  return {
    async run(path) {
      await ready;
      return new Promise((resolve) => {
        task = { id: nextId++, resolve };
        worker.postMessage({ id: task.id, path } satisfies WorkerRequest);
      });
    },
    onCrash(listener) {
      worker.on('error', (error) => listener(error.message));
      worker.on('exit', (code) => listener(`worker exited with code ${code}`));
    },
    terminate: () => void worker.terminate(),
  };
}

/**
 * Starts `size` worker threads running the analysis (the shared task pool): a worker that
 * crashes (a decoder that aborts, memory exhausted) fails only the file it held, and is replaced.
 */
function createAnalysisPool(
  size: number,
  options: { ffmpeg: boolean; hints: boolean },
): AnalysisPool {
  const threads = new Set<Worker>();
  const pool = createTaskPool({
    size: Math.max(1, size),
    spawn: () => spawnThread(options, threads),
    crashed: (path: string, reason) =>
      failedAnalysis(path, 'error', `analysis crashed on this file: ${reason}`),
  });
  return {
    size: pool.size,
    analyse: (path) => pool.run(path),
    async close() {
      const running = [...threads];
      pool.terminate();
      await Promise.all(running.map((thread) => thread.terminate()));
    },
  };
}
