/**
 * A process tree watched over time: its memory read every half second (for the peak, and to
 * see whether it grows with the work done) and on demand, and its CPU seconds.
 */
import { readFile } from 'node:fs/promises';
import { sampleTree, type TreeSample } from './process-tree.js';

export interface TreeMeter {
  /** The highest RSS and PSS sums read so far (bytes); null until one reading succeeded. */
  peakRssBytes(): number | null;
  peakPssBytes(): number | null;
  /** The last reading that found the tree. */
  last(): TreeSample | null;
  /** Reads the tree now (the reading counts towards the peaks). */
  sampleNow(): Promise<TreeSample | null>;
  /** Stops the timer; the figures stay readable. */
  stop(): void;
}

/** Watches the tree under `root` (root included) every `everyMs` ms until `stop`. */
export function meterTree(root: number, everyMs = 500): TreeMeter {
  let peakRss: number | null = null;
  let peakPss: number | null = null;
  let last: TreeSample | null = null;
  const sampleNow = async () => {
    const tree = await sampleTree(root);
    if (tree) {
      last = tree;
      peakRss = Math.max(peakRss ?? 0, tree.rssBytes);
      peakPss = Math.max(peakPss ?? 0, tree.pssBytes);
    }
    return tree;
  };
  let reading = false;
  const timer = setInterval(() => {
    if (reading) return; // a slow /proc walk must not pile up readings
    reading = true;
    void sampleNow().finally(() => (reading = false));
  }, everyMs);
  void sampleNow();
  return {
    peakRssBytes: () => peakRss,
    peakPssBytes: () => peakPss,
    last: () => last,
    sampleNow,
    stop: () => clearInterval(timer),
  };
}

/** CPU seconds (user + system) of a process's main thread alone, from /proc; null elsewhere. */
export async function mainThreadCpuS(pid: number): Promise<number | null> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}
