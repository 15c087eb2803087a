import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ffmpegAvailable } from '../../../shared/node/ffmpeg-available.js';
import { failedAnalysis, type FileAnalysis } from '../../../shared/files/index.js';
import type { WorkerRequest, WorkerResponse } from './worker-messages.js';

interface Task {
  id: number;
  path: string;
  resolve: (result: FileAnalysis) => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  ready: boolean;
}

/** A pool of analysis worker threads; each file runs in one of them, one at a time per thread. */
export interface AnalysisPool {
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

/**
 * Starts `size` worker threads running the analysis. A worker that crashes (a decoder that
 * aborts, memory exhausted) fails only the file it held, and is replaced.
 */
function createAnalysisPool(
  size: number,
  options: { ffmpeg: boolean; hints: boolean },
): AnalysisPool {
  const workerUrl = new URL('./analyse-worker.js', import.meta.url);
  const queue: Task[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closing = false;

  function spawn(): Slot {
    const slot: Slot = {
      worker: new Worker(workerUrl, { workerData: options }),
      task: null,
      ready: false,
    };
    slot.worker.on('message', (message: WorkerResponse | { ready: true }) => {
      if ('ready' in message) {
        slot.ready = true;
      } else if (slot.task && message.id === slot.task.id) {
        const task = slot.task;
        slot.task = null;
        task.resolve(message.result);
      }
      dispatch();
    });
    slot.worker.on('error', (error) => replace(slot, error.message));
    slot.worker.on('exit', (code) => {
      if (!closing) replace(slot, `worker exited with code ${code}`);
    });
    return slot;
  }

  function replace(slot: Slot, reason: string): void {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    if (slot.task) {
      slot.task.resolve(
        failedAnalysis(slot.task.path, 'error', `analysis crashed on this file: ${reason}`),
      );
    }
    void slot.worker.terminate();
    if (!closing) slots.push(spawn());
    dispatch();
  }

  function dispatch(): void {
    for (const slot of slots) {
      if (!slot.ready || slot.task) continue;
      const task = queue.shift();
      if (!task) return;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, path: task.path } satisfies WorkerRequest);
    }
  }

  for (let i = 0; i < Math.max(1, size); i++) slots.push(spawn());

  return {
    analyse(path) {
      return new Promise((resolve) => {
        queue.push({ id: nextId++, path, resolve });
        dispatch();
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
