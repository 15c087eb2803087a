import { RETRY_DELAYS_MS } from './backoff.js';

/**
 * A file of a watch as a listing keeps it (the wizard's `WatchRecord.listing`): no bytes, only
 * what tells a new or changed file from one already imported. Paths as the caller names them.
 */
export interface ListedFile {
  path: string;
  sizeBytes: number;
  /** ms since the epoch, as the file system reports it. */
  lastModified: number;
}

/** What a scan saw of one file: a file that differs in either is new content. */
export interface FileLook {
  size: number;
  mtimeMs: number;
}

/** The bounds of a watch (ms, files): the CLI's `--watch` and the wizard's sync each set theirs. */
export interface WatchTiming {
  /**
   * Quiet time after the last filesystem event before the folders are scanned again: a copy of
   * many files is one burst of events, and is taken by one scan, not one per event.
   */
  debounceMs: number;
  /** Longest a scan waits under a steady stream of events (a copy that goes on for minutes). */
  maxWaitMs: number;
  /**
   * A new or changed file is taken once two scans at least this far apart saw the same size and
   * time: one still being written (a download, a render) is waited for, not analysed half-made.
   */
  settleMs: number;
  /**
   * A scan at least this often without events: events can be missed (network filesystems, a
   * watch that failed), and without a working watch this polling is all there is.
   */
  pollMs: number;
  /**
   * Most files one batch (one job) takes: a burst of 5,000 files is a few jobs, not 5,000. Also
   * how long settled files wait for the rest of their burst (`maxWaitMs`): see `takeBatch`.
   */
  maxBatch: number;
  /** Waits before a batch the server did not take is tried again, the last one repeated. */
  retryDelaysMs: readonly number[];
}

/** The bounds of `sm-import import --watch`. */
export const WATCH_TIMING: WatchTiming = {
  debounceMs: 1000,
  maxWaitMs: 10_000,
  settleMs: 1000,
  pollMs: 60_000,
  maxBatch: 1000,
  retryDelaysMs: RETRY_DELAYS_MS,
};

/** What one scan changed in the plan, for the watch to tell. */
export interface ScanReport {
  /** Files imported before (or present at the start) that are gone: told, never deleted. */
  deleted: string[];
  /** Files new or changed since, still being looked at until they hold still. */
  waiting: number;
}

/** One batch: the files one import run (one job) takes, each as the scan saw it. */
export interface Batch {
  rels: string[];
  /** Of them, those the watch had not seen before (the others changed). */
  added: string[];
}

const lookOf = (file: ListedFile): FileLook => ({
  size: file.sizeBytes,
  mtimeMs: file.lastModified,
});

const same = (a: FileLook | undefined, b: FileLook | undefined) =>
  a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;

/**
 * When to scan, what a scan found new, changed or deleted, when a new file holds still, and
 * which files each batch takes: the decisions of a watch, without a clock or a filesystem (the
 * caller gives `now` in ms and the scans), so that they can be tested step by step. The one
 * planner of both watches: `sm-import import --watch` (cli/src/watch/watch-run.ts: fs events,
 * scans, output) and the wizard's "Keep this folder in sync" (client/src/import/sync/: handles,
 * IndexedDB, the indicator).
 *
 * A file goes: unseen → waiting (differs from what was imported; looked at again) → ready
 * (two looks `settleMs` apart agreed) → in a batch → imported (the baseline). A batch the server
 * did not take goes back to ready, and is tried again after the retry delay.
 */
export class WatchPlan {
  /** Each file as it was when last imported, or found by the first scan. */
  private readonly baseline = new Map<string, FileLook>();
  private readonly waiting = new Map<string, { look: FileLook; since: number }>();
  /** Settled files, in the order they settled (a Map keeps insertion order), and when. */
  private readonly ready = new Map<string, { look: FileLook; at: number }>();
  private firstEventAt: number | null = null;
  private lastEventAt: number | null = null;
  private lastScanAt: number;
  private lastScanMs = 0;
  /** A scan wanted at once (a watch starting, a page shown again), pacing aside. */
  private wantedAt: number | null = null;
  private failedTries = 0;
  private retryAt = 0;

  constructor(
    private timing: WatchTiming,
    now: number,
  ) {
    this.lastScanAt = now;
  }

  /**
   * A plan whose imported files are `listing` (a kept watch, restored): files not in it are
   * found by the next scans as new.
   */
  static fromListing(timing: WatchTiming, now: number, listing: readonly ListedFile[]): WatchPlan {
    const plan = new WatchPlan(timing, now);
    plan.imported(listing.map((f) => [f.path, lookOf(f)] as const));
    return plan;
  }

  /** The imported files (those of batches taken included), to keep and restore (`fromListing`). */
  listing(): ListedFile[] {
    return [...this.baseline].map(([path, look]) => ({
      path,
      sizeBytes: look.size,
      lastModified: look.mtimeMs,
    }));
  }

  /** Rescans every `ms` (the folders cannot be watched for events: polling is all there is). */
  pollEvery(ms: number): void {
    this.timing = { ...this.timing, pollMs: ms };
  }

  /** Files imported or found, as the plan knows them. */
  get known(): number {
    return this.baseline.size;
  }

  /** Files seen new or changed and not imported yet (waiting to settle, or ready). */
  get pending(): number {
    return this.waiting.size + this.ready.size;
  }

  /** Takes what an import run took as imported (the first run's files, or a batch's). */
  imported(files: Iterable<readonly [string, FileLook]>): void {
    for (const [rel, look] of files)
      this.baseline.set(rel, { size: look.size, mtimeMs: look.mtimeMs });
  }

  /** A filesystem event happened under the folders (which file does not matter: a scan tells). */
  event(now: number): void {
    this.firstEventAt ??= now;
    this.lastEventAt = now;
  }

  /** A scan is wanted now (the watch starts, a hidden page is shown): pacing still applies. */
  scanSoon(now: number): void {
    this.wantedAt = now;
  }

  /** When the next scan is due (ms, on the caller's clock). */
  nextScanAt(): number {
    const { debounceMs, maxWaitMs, settleMs, pollMs } = this.timing;
    let at = this.lastScanAt + pollMs;
    if (this.firstEventAt !== null && this.lastEventAt !== null) {
      at = Math.min(at, this.lastEventAt + debounceMs, this.firstEventAt + maxWaitMs);
    }
    if (this.waiting.size > 0) at = Math.min(at, this.lastScanAt + settleMs);
    if (this.wantedAt !== null) at = Math.min(at, this.wantedAt);
    // However busy the folders, scanning takes at most about a third of the time: a tree whose
    // scan takes 2 s is scanned at most every 6 s.
    return Math.max(at, this.lastScanAt + 3 * this.lastScanMs);
  }

  /**
   * When the next batch may start: when files are ready, unless a retry is waited for or the
   * ready files wait for the rest of their burst (see `takeBatch`).
   */
  nextBatchAt(): number {
    const oldest = this.ready.values().next().value;
    if (oldest === undefined) return Infinity;
    const held = this.waiting.size > 0 && this.ready.size < this.timing.maxBatch;
    return Math.max(this.retryAt, held ? oldest.at + this.timing.maxWaitMs : 0);
  }

  /**
   * Takes a scan that began at `startedAt` and took `tookMs`: `files` are the files it kept,
   * `excluded` those `--exclude` or a `.smignore` left out (gone from the import, not deleted).
   */
  scanned(
    files: ReadonlyMap<string, FileLook>,
    excluded: ReadonlySet<string>,
    startedAt: number,
    tookMs: number,
  ): ScanReport {
    this.lastScanAt = startedAt;
    this.lastScanMs = tookMs;
    this.wantedAt = null;
    // Events after the scan began may be of changes it missed: they are kept for the next one.
    if (this.lastEventAt !== null && this.lastEventAt < startedAt) {
      this.firstEventAt = null;
      this.lastEventAt = null;
    } else if (this.firstEventAt !== null) {
      this.firstEventAt = startedAt;
    }
    const deleted: string[] = [];
    for (const rel of [...this.baseline.keys()]) {
      if (files.has(rel)) continue;
      this.baseline.delete(rel);
      if (!excluded.has(rel)) deleted.push(rel);
    }
    for (const rel of [...this.waiting.keys(), ...this.ready.keys()]) {
      if (!files.has(rel)) {
        this.waiting.delete(rel);
        this.ready.delete(rel);
      }
    }
    for (const [rel, look] of files) {
      if (same(this.baseline.get(rel), look)) {
        this.waiting.delete(rel);
        this.ready.delete(rel);
        continue;
      }
      if (same(this.ready.get(rel)?.look, look)) continue;
      this.ready.delete(rel); // changed again after it settled: it waits again
      const seen = this.waiting.get(rel);
      if (seen && same(seen.look, look)) {
        if (startedAt - seen.since >= this.timing.settleMs) {
          this.waiting.delete(rel);
          this.ready.set(rel, { look, at: startedAt });
        }
        continue;
      }
      this.waiting.set(rel, { look, since: startedAt });
    }
    return { deleted, waiting: this.waiting.size };
  }

  /**
   * A scan that could not be used (a `.smignore` written with a bad pattern): nothing is
   * decided from it, and the next one waits as after any scan.
   */
  scanFailed(startedAt: number, tookMs: number): void {
    this.lastScanAt = startedAt;
    this.lastScanMs = tookMs;
    this.wantedAt = null;
    this.firstEventAt = null;
    this.lastEventAt = null;
  }

  /**
   * The next batch: up to `maxBatch` ready files, oldest first; null when none are ready, a
   * retry is waited for, or other files are still settling: a burst (a copy of a pack) goes as
   * one batch, unless it fills one or its first files have waited `maxWaitMs` for the rest.
   */
  takeBatch(now: number): Batch | null {
    if (now < this.nextBatchAt()) return null;
    const rels = [...this.ready.keys()].slice(0, this.timing.maxBatch);
    return { rels, added: rels.filter((rel) => !this.baseline.has(rel)) };
  }

  /** The batch was imported: its files, as they were taken, are the new baseline. */
  delivered(batch: Batch): void {
    for (const rel of batch.rels) {
      const ready = this.ready.get(rel);
      if (ready) this.baseline.set(rel, ready.look);
      this.ready.delete(rel);
    }
    this.failedTries = 0;
    this.retryAt = 0;
  }

  /**
   * The server did not take the batch (down through every retry): its files stay ready, and
   * the next batch waits for the next delay of the schedule (the last one repeated, for as long
   * as the watch runs). Returns that delay (ms).
   */
  failed(now: number): number {
    const delays = this.timing.retryDelaysMs;
    const delay = delays[Math.min(this.failedTries, delays.length - 1)] ?? 0;
    this.failedTries++;
    this.retryAt = now + delay;
    return delay;
  }
}
