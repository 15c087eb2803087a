import {
  RETRY_DELAYS_MS,
  WATCH_TIMING,
  WatchPlan,
  type WatchTiming,
} from '../../../../shared/import/index.js';
import type { WatchRecord } from '../../queue/queue-types.js';
import type { ImportController } from '../controller/import-controller.js';
import { factsOf, pickOfHandles, type Pick } from '../pick/picked-files.js';
import { watchObserver, type WatchObserver } from './watch-observer.js';

/** How often a visible page rescans a watched folder. */
export const POLL_MS = 10_000;
/** How soon files still moving (or a folder's change event) are looked at again. */
export const SETTLE_MS = 2_000;

/** How often to look (tests shorten them). */
export interface SyncTiming {
  pollMs: number;
  settleMs: number;
}

/**
 * The shared watch planner's bounds for a page: a change event waits for a quiet `settleMs`,
 * a steady stream of them or a burst still settling at most `pollMs`; batches and retries as
 * the CLI's watch.
 */
function planTiming({ pollMs, settleMs }: SyncTiming): WatchTiming {
  return {
    debounceMs: settleMs,
    maxWaitMs: pollMs,
    settleMs,
    pollMs,
    maxBatch: WATCH_TIMING.maxBatch,
    retryDelaysMs: RETRY_DELAYS_MS,
  };
}

/**
 * Where the sync stands: `off` (no folder watched), `needs-permission` (reopened: one click
 * gives the folder back), `watching` (idle between scans), `waiting` (an import is under way:
 * a scan starts no batch beside it), `scanning`, `error` (the last scan failed; it goes on).
 */
export type SyncState = 'off' | 'needs-permission' | 'watching' | 'waiting' | 'scanning' | 'error';

/** What the indicator shows, as one immutable snapshot. */
export interface SyncView {
  state: SyncState;
  roots: readonly string[];
  lastScanAt: number | null;
  imported: number;
  /** Files the folder no longer holds (their sounds stay in the library). */
  gone: readonly string[];
  /** Why the last scan failed, in words for a person; null when it did not. */
  error: string | null;
}

const OFF: SyncView = {
  state: 'off',
  roots: [],
  lastScanAt: null,
  imported: 0,
  gone: [],
  error: null,
};

/** Whether every handle gives read access now (no prompt: this is not a click). */
async function allGranted(handles: FileSystemDirectoryHandle[]): Promise<boolean> {
  for (const handle of handles)
    if ((await handle.queryPermission({ mode: 'read' })) !== 'granted') return false;
  return true;
}

/**
 * "Keep this folder in sync": a folder picked with the directory picker is rescanned while the
 * page is open (sizes and dates only), and its new or changed files go through the wizard's
 * engine as one import per burst. What to scan when, what changed, when a file settled and what
 * a batch takes are the shared `WatchPlan`'s decisions (as for `sm-import import --watch`); this
 * walks the handles, keeps the watch and its handles in IndexedDB (the plan's imported files are
 * its `listing`) and shows where it stands. A reopened page needs one click (`resume`) to read
 * the folder again.
 */
export class FolderSync {
  private watch: WatchRecord | null = null;
  private view: SyncView = OFF;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private scanning = false;
  /** The decisions of the running watch; null while it is not running. */
  private plan: WatchPlan | null = null;
  /** What the last scan found: a batch takes its files from it. */
  private latest: Pick | null = null;
  private observer: WatchObserver | null = null;
  private readonly listening = new AbortController();
  private disposed = false;

  private readonly pollMs: number;
  private readonly timing: WatchTiming;

  constructor(
    private readonly controller: ImportController,
    timing: SyncTiming = { pollMs: POLL_MS, settleMs: SETTLE_MS },
  ) {
    this.pollMs = timing.pollMs;
    this.timing = planTiming(timing);
    document.addEventListener(
      'visibilitychange',
      () => {
        if (document.visibilityState !== 'visible' || !this.isRunning()) return;
        this.plan?.scanSoon(Date.now());
        this.schedule(0);
      },
      { signal: this.listening.signal },
    );
    controller.store.subscribe(() => this.countBatch());
  }

  /** Loads the kept watch, if any: it runs on if the browser still grants the folder. */
  async open(): Promise<void> {
    const watch = await this.controller.store.queue.watch();
    if (!watch || this.disposed) return;
    this.watch = watch;
    if (await allGranted(watch.handles)) this.start();
    else this.show('needs-permission');
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SyncView => this.view;

  /**
   * Whether the open import can be kept in sync: every folder of it was picked with the
   * directory picker (its handle is kept). Files of an `<input webkitdirectory>` come without
   * their folder, which cannot be read again.
   */
  async canKeep(): Promise<boolean> {
    const record = this.controller.store.record;
    if (!record) return false;
    const names = new Set(
      (await this.controller.store.queue.handles(record.id)).map((h) => h.name),
    );
    return record.roots.length > 0 && record.roots.every((root) => names.has(root));
  }

  /**
   * Keeps the open import's folders in sync: its files are the ones known, so the first scan
   * after it ends finds only what came since it was picked.
   */
  async keep(): Promise<void> {
    const { store } = this.controller;
    const record = store.record;
    if (!record || !(await this.canKeep())) return;
    const handles = await store.queue.handles(record.id);
    const listing = [...store.files.values()].map(({ path, sizeBytes, lastModified }) => ({
      path,
      sizeBytes,
      lastModified,
    }));
    this.watch = {
      id: 'watch',
      roots: handles.map((h) => h.name),
      handles,
      listing,
      gone: [],
      lastScanAt: null,
      imported: 0,
      batchImportId: null,
    };
    await store.queue.saveWatch(this.watch);
    this.start();
  }

  /**
   * The one click of a reopened page: asks for read access again (this must run in a click
   * handler), gives an unfinished batch its files back, and scans.
   */
  async resume(): Promise<void> {
    const watch = this.watch;
    if (!watch) return;
    for (const handle of watch.handles) {
      if ((await handle.requestPermission({ mode: 'read' })) !== 'granted') {
        this.show('needs-permission', 'Reading the folder was not allowed.');
        return;
      }
    }
    const view = this.controller.store.getSnapshot();
    if (view.missing > 0 && view.canRegrant) await this.controller.regrant();
    this.start();
  }

  /** Stops keeping the folder in sync; what it imported stays in the library. */
  async stop(): Promise<void> {
    this.halt();
    this.watch = null;
    this.view = OFF;
    this.emit();
    await this.controller.store.queue.dropWatch();
  }

  dispose(): void {
    this.disposed = true;
    this.halt();
    this.listening.abort();
  }

  private isRunning(): boolean {
    return this.watch !== null && this.view.state !== 'needs-permission' && !this.disposed;
  }

  private start(): void {
    if (!this.watch || this.disposed) return;
    this.show('watching');
    this.observer?.disconnect();
    const plan = WatchPlan.fromListing(this.timing, Date.now(), this.watch.listing);
    plan.scanSoon(Date.now());
    this.plan = plan;
    this.latest = null;
    // Where the browser reports changes, a change scans soon; the poll stays the ground truth.
    this.observer = watchObserver(this.watch.handles, () => {
      plan.event(Date.now());
      this.schedule(0);
    });
    this.schedule(0);
  }

  private halt(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.observer?.disconnect();
    this.observer = null;
    this.plan = null;
    this.latest = null;
  }

  private schedule(ms: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, ms);
  }

  private async tick(): Promise<void> {
    const plan = this.plan;
    if (!this.isRunning() || this.scanning || !plan) return;
    // A hidden page does not scan; becoming visible scans at once (see the constructor).
    if (document.visibilityState !== 'visible') return;
    const record = this.controller.store.record;
    if (record && record.finishedAt === null) {
      // No scan and no batch beside an import under way.
      this.show('waiting');
      this.schedule(this.pollMs);
      return;
    }
    const now = Date.now();
    const scanAt = plan.nextScanAt();
    const due = Math.min(scanAt, plan.nextBatchAt());
    if (due > now) {
      if (this.view.state === 'waiting') this.show('watching');
      this.schedule(due - now);
      return;
    }
    this.scanning = true;
    if (scanAt <= now) this.show('scanning');
    try {
      if (scanAt <= now) await this.scan(plan);
      await this.importReady(plan);
      this.show('watching');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.show('error', `The last scan failed: ${reason}`);
    } finally {
      this.scanning = false;
    }
    if (this.isRunning()) this.schedule(0);
  }

  /** One scan: the plan is told what the folder holds; files gone are noted (and kept). */
  private async scan(plan: WatchPlan): Promise<void> {
    const watch = this.watch!;
    const startedAt = Date.now();
    let pick: Pick;
    let listing: Awaited<ReturnType<typeof factsOf>>;
    try {
      pick = await pickOfHandles(watch.handles);
      listing = await factsOf(pick.files);
    } catch (error) {
      plan.scanFailed(startedAt, Date.now() - startedAt);
      throw error;
    }
    // Stopped meanwhile: the scan is dropped.
    if (!this.watch || this.plan !== plan) return;
    const files = new Map(
      listing.map((f) => [f.path, { size: f.sizeBytes, mtimeMs: f.lastModified }] as const),
    );
    const excluded = new Set(pick.excluded.map((e) => e.path));
    const report = plan.scanned(files, excluded, startedAt, Date.now() - startedAt);
    this.latest = pick;
    const gone = this.watch.gone.filter((p) => !files.has(p));
    await this.save(plan, {
      gone: [...new Set([...gone, ...report.deleted])],
      lastScanAt: Date.now(),
    });
  }

  /**
   * Hands the plan's next batch, if one is due, to the wizard's engine as a new import. Its
   * files join the kept listing at once, so a page closed mid-batch resumes it as any import.
   */
  private async importReady(plan: WatchPlan): Promise<void> {
    const pick = this.latest;
    if (!this.watch || !pick || this.plan !== plan) return;
    const batch = plan.takeBatch(Date.now());
    if (!batch) return;
    const paths = new Set(batch.rels);
    try {
      await this.controller.addSyncBatch({
        ...pick,
        files: pick.files.filter((f) => paths.has(f.path)),
      });
    } catch (error) {
      plan.failed(Date.now());
      throw error;
    }
    plan.delivered(batch);
    await this.save(plan, { batchImportId: this.controller.store.record?.id ?? null });
  }

  /** Keeps the watch with these changes and the plan's imported files, unless it was stopped. */
  private async save(plan: WatchPlan, changes: Partial<WatchRecord>): Promise<void> {
    if (!this.watch || this.plan !== plan) return;
    const next: WatchRecord = { ...this.watch, ...changes, listing: plan.listing() };
    this.watch = next;
    await this.controller.store.queue.saveWatch(next);
    this.countBatch();
  }

  /** Counts a batch's imported files once its import has ended. */
  private countBatch(): void {
    const watch = this.watch;
    const record = this.controller.store.record;
    if (!watch?.batchImportId || record?.id !== watch.batchImportId || record.finishedAt === null)
      return;
    const done = this.controller.store.getSnapshot().counts.done;
    this.watch = { ...watch, imported: watch.imported + done, batchImportId: null };
    void this.controller.store.queue.saveWatch(this.watch);
    this.show(this.view.state);
  }

  private show(state: SyncState, error: string | null = null): void {
    const watch = this.watch;
    this.view = watch
      ? {
          state,
          roots: watch.roots,
          lastScanAt: watch.lastScanAt,
          imported: watch.imported,
          gone: watch.gone,
          error,
        }
      : OFF;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
