import * as Comlink from 'comlink';
import { failedAnalysis, type FileAnalysis } from '../../../shared/files/index.js';
import type { AnalysisWorkerApi } from './analysis.worker.js';
import { createTaskPool, type PoolSlot, type TaskPool } from '../../../shared/workers/task-pool.js';

export interface AnalysisTask {
  file: Blob;
  path: string;
}

export type AnalysisPool = TaskPool<AnalysisTask, FileAnalysis>;

/** Where a user (or a benchmark) may set the number of analysis workers. */
export const WORKERS_SETTING = 'sm-import:workers';

/**
 * One worker per core, less one for the page, but at least two: on a 2-core machine one worker
 * left a core idle and took 1.7× the CLI's time for 5,000 files, while two kept the page
 * free of long tasks (bench:browser, bench:import). A whole number from 1 to 16 in
 * localStorage[WORKERS_SETTING] overrides it.
 */
export function defaultPoolSize(): number {
  const chosen = Number(localStorage.getItem(WORKERS_SETTING));
  if (Number.isInteger(chosen) && chosen >= 1 && chosen <= 16) return chosen;
  return Math.max(2, (navigator.hardwareConcurrency || 2) - 1);
}

function spawnWorker(): PoolSlot<AnalysisTask, FileAnalysis> {
  const worker = new Worker(new URL('./analysis.worker.ts', import.meta.url), {
    type: 'module',
    name: 'analysis',
  });
  const api = Comlink.wrap<AnalysisWorkerApi>(worker);
  return {
    run: ({ file, path }) => api.analyse(file, path),
    onCrash(listener) {
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        listener(event.message || 'the analysis worker stopped (out of memory?)');
      });
    },
    terminate: () => worker.terminate(),
  };
}

/** The browser's analysis workers (Web Workers driven through Comlink). */
export function createAnalysisPool(size = defaultPoolSize()): AnalysisPool {
  return createTaskPool({
    size,
    spawn: spawnWorker,
    crashed: ({ path }, reason) =>
      failedAnalysis(path, 'error', `the analysis worker crashed on this file: ${reason}`),
  });
}
