import type { FileAnalysis } from '../files/index.js';

/** How an analysis run goes: files analysed by it so far, its pace and what is left. */
export interface AnalysisPace {
  done: number;
  filesPerS: number;
  /** Seconds left at this pace; null before the first file. */
  etaS: number | null;
}

/**
 * The analysis stage of every importer: analyses `keys` with `analyse` (the importer's pool of
 * worker threads or Web Workers), `inFlight` at a time (a few more than there are workers, so
 * reading overlaps analysis without holding every file's bytes at once), and hands each result
 * to `analysed` as it comes, in the order they finish, with the run's pace. Stops taking new
 * files once `stopped()` says so; the files in flight still end.
 */
export async function analyseFiles(
  keys: readonly string[],
  analyse: (key: string) => Promise<FileAnalysis>,
  analysed: (key: string, result: FileAnalysis, pace: AnalysisPace) => void | Promise<void>,
  options: { inFlight: number; stopped?: () => boolean },
): Promise<void> {
  const started = performance.now();
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < keys.length && !options.stopped?.()) {
      const key = keys[next++]!;
      const result = await analyse(key);
      done++;
      const filesPerS = done / Math.max((performance.now() - started) / 1000, 0.001);
      await analysed(key, result, { done, filesPerS, etaS: (keys.length - done) / filesPerS });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.inFlight) }, lane));
}
