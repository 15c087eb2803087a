import type { UploadHandle, UploadResult } from '../uploads/tus-upload.js';
import { IMPORT_POLICY } from './policy.js';

/** What the pool needs from the importer around it. */
export interface UploadPorts {
  /**
   * Starts the upload of one file (the uploader, tus); null when it cannot go now: its bytes
   * are not at hand, or it changed since it was analysed (the port records why).
   */
  start(key: string): UploadHandle | null | Promise<UploadHandle | null>;
  /**
   * Records how an upload ended (the journal). `again` puts the file back in line (the network
   * went away under it); an Error stops every upload and is thrown by `drain` (a refused token).
   */
  ended(key: string, result: UploadResult): 'ended' | 'again' | Error;
  /** Records that an upload stopped by `hold` or `stop` is waiting again, its URL kept. */
  stopped?(key: string): void;
  /** The number of uploads under way changed. */
  activeChanged?(active: number): void;
}

interface Slot {
  key: string;
  handle: UploadHandle | null;
  /** Why it is being stopped: held (it goes back in line) or stopped for good. */
  cancel: 'hold' | 'stop' | null;
  aborting: boolean;
}

/**
 * Uploads files a few at a time, in the order they were added. While any hold is on (paused
 * by the user, offline) nothing starts and what ran is stopped and put back at the head of
 * the line; it resumes from its saved URL once every hold is released. An upload being
 * stopped is let finish stopping before anything starts again, so that one whose creation was
 * in flight resumes with the URL it was given instead of being created twice.
 */
export class UploadPool {
  private waiting: string[] = [];
  private readonly queued = new Set<string>();
  private readonly slots = new Map<string, Slot>();
  private readonly stopping = new Set<Promise<void>>();
  private readonly holds = new Set<string>();
  private idleWaiters: (() => void)[] = [];
  private fatal: Error | null = null;
  private stopped = false;

  constructor(
    private readonly ports: UploadPorts,
    private readonly limit: number = IMPORT_POLICY.parallelUploads,
  ) {}

  /** Puts a file in line (once: a file already waiting or uploading is not added again). */
  add(key: string): void {
    if (this.stopped || this.queued.has(key) || this.slots.has(key)) return;
    this.waiting.push(key);
    this.queued.add(key);
    this.pump();
  }

  get active(): number {
    return this.slots.size;
  }

  /** Whether a file is waiting or uploading. */
  has(key: string): boolean {
    return this.queued.has(key) || this.slots.has(key);
  }

  /** Holds every upload for `reason` (several reasons may hold at once). */
  hold(reason: string): void {
    this.holds.add(reason);
    for (const slot of this.slots.values()) this.cancel(slot, 'hold');
  }

  release(reason: string): void {
    this.holds.delete(reason);
    this.pump();
  }

  /** Stops for good: nothing waits any more, and what runs is stopped (resumable later). */
  stop(): void {
    this.stopped = true;
    this.waiting = [];
    this.queued.clear();
    for (const slot of this.slots.values()) this.cancel(slot, 'stop');
    this.settle();
  }

  /**
   * Resolves once nothing waits and nothing runs (or the pool was stopped). A held pool with
   * files in line does not drain until it is released. @throws the Error a port returned.
   */
  async drain(): Promise<void> {
    if (!this.idle()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (this.fatal) throw this.fatal;
  }

  private idle(): boolean {
    return (
      this.slots.size === 0 &&
      this.stopping.size === 0 &&
      (this.waiting.length === 0 || this.stopped || this.fatal !== null)
    );
  }

  private settle(): void {
    if (!this.idle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private pump(): void {
    const blocked =
      this.holds.size > 0 || this.fatal !== null || this.stopped || this.stopping.size > 0;
    while (!blocked && this.slots.size < this.limit && this.waiting.length > 0) {
      const key = this.waiting.shift()!;
      this.queued.delete(key);
      this.launch(key);
    }
    this.settle();
  }

  private launch(key: string): void {
    const slot: Slot = { key, handle: null, cancel: null, aborting: false };
    this.slots.set(key, slot);
    this.ports.activeChanged?.(this.slots.size);
    void Promise.resolve()
      .then(() => this.ports.start(key))
      .then(
        (handle) => {
          if (!handle) return this.free(slot);
          slot.handle = handle;
          if (slot.cancel) return this.cancel(slot, slot.cancel); // held while it started
          void handle.promise.then((result) => this.ended(slot, result));
        },
        (error: unknown) => {
          this.fatal ??= error instanceof Error ? error : new Error(String(error));
          this.free(slot);
        },
      );
  }

  private ended(slot: Slot, result: UploadResult): void {
    if (slot.cancel || this.slots.get(slot.key) !== slot) return; // its stop records it
    this.slots.delete(slot.key); // ended: a hold the port puts on has nothing of it to stop
    const verdict = this.ports.ended(slot.key, result);
    if (verdict === 'again') this.putBack(slot.key);
    if (verdict instanceof Error) {
      this.fatal ??= verdict;
      for (const other of this.slots.values()) this.cancel(other, 'stop');
    }
    this.free(slot);
  }

  private free(slot: Slot): void {
    if (this.slots.get(slot.key) === slot) this.slots.delete(slot.key);
    this.ports.activeChanged?.(this.slots.size);
    this.pump();
  }

  private putBack(key: string): void {
    if (this.stopped || this.queued.has(key)) return;
    this.waiting.unshift(key);
    this.queued.add(key);
  }

  private cancel(slot: Slot, why: 'hold' | 'stop'): void {
    if (slot.cancel !== 'stop') slot.cancel = why;
    if (!slot.handle || slot.aborting) return; // aborted once its start answers, or already
    slot.aborting = true;
    const stopped: Promise<void> = slot.handle
      .abort()
      .catch(() => undefined)
      .then(() => {
        this.stopping.delete(stopped);
        this.ports.stopped?.(slot.key);
        if (slot.cancel === 'hold' && !this.fatal) this.putBack(slot.key);
        this.free(slot);
      });
    this.stopping.add(stopped);
  }
}
