/** A one-line progress bar redrawn in place on a TTY stream; silent elsewhere. */
export interface ProgressBar {
  update(done: number, total: number, label?: string): void;
  /** Clears the bar so that a normal line can be written. */
  clear(): void;
  /** Draws the bar again with its last state (after a line was written under it). */
  redraw(): void;
}

/** Creates a progress bar on `stream` (stderr); a no-op when it is not a TTY. */
export function createProgressBar(stream: NodeJS.WriteStream): ProgressBar {
  if (!stream.isTTY)
    return { update: () => undefined, clear: () => undefined, redraw: () => undefined };
  const started = Date.now();
  let shown = false;
  let last: [number, number, string] | null = null;
  const bar = {
    update(done: number, total: number, label = '') {
      last = [done, total, label];
      const width = 24;
      const ratio = total === 0 ? 1 : done / total;
      const filled = Math.round(ratio * width);
      const elapsedS = (Date.now() - started) / 1000;
      const rate = elapsedS > 0 ? done / elapsedS : 0;
      const etaS = rate > 0 ? (total - done) / rate : 0;
      const text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${rate.toFixed(1)} files/s ETA ${Math.ceil(etaS)}s ${label}`;
      const columns = stream.columns || 100;
      stream.write(`\r${text.slice(0, columns - 1).padEnd(columns - 1)}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write(`\r${' '.repeat((stream.columns || 100) - 1)}\r`);
      shown = false;
    },
    redraw() {
      if (last) bar.update(...last);
    },
  };
  return bar;
}
