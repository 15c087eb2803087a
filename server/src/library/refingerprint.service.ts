import { setImmediate as nextTurn } from 'node:timers/promises';
import { errorMessage } from '../../../shared/files/index.js';
import { failpoint } from '../../../shared/node/failpoints.js';
import type { AuthUser } from '../auth/auth.service.js';
import type { ObjectStore } from '../objects/object-store.js';
import { fingerprintColumns, type FingerprintColumns } from './fingerprint-columns.js';
import {
  AnalyserStartError,
  type StoredFileAnalyser,
  type StoredFileOutcome,
} from './refingerprint-analyser.js';
import type { OutdatedFile, RefingerprintRepository } from './refingerprint.repository.js';

/** Files read from the database at a time. */
const BATCH_FILES = 16;
/** A progress line in the log every this many files. */
const LOG_EVERY_FILES = 100;
/** Files that could not be read kept per user for the progress answer (the log has them all). */
const MAX_FAILURES_KEPT = 100;

/** off (SM_REFINGERPRINT=off), not started yet, running, done, or stopped before the end. */
export type RefingerprintState = 'off' | 'idle' | 'running' | 'finished' | 'stopped';

export interface RefingerprintFailure {
  asset_id: string;
  path: string;
  reason: string;
}

/** The task as one user sees it: `GET /api/v1/audio/refingerprint`. */
export interface RefingerprintProgress {
  state: RefingerprintState;
  /** The user's files that still hold a fingerprint older than the analysis now makes. */
  pending: number;
  /** The user's files given a new fingerprint since this server started. */
  refingerprinted: number;
  /** The user's files this run could not read or decode, and why (they keep their fingerprint). */
  failed: RefingerprintFailure[];
}

/**
 * Re-fingerprints library files stored with an outdated fingerprint (version 1, which is never
 * taken for a certain copy, or version 2 without `tail`, by which edits of a hit could still
 * be taken for copies of each other) from their stored bytes, in the background, one file at
 * a time in an analysis thread. Resumable by construction: each file is written as it is done, and the
 * next start finds what is left. A file that cannot be read is logged, keeps its fingerprint
 * and is not tried again before the next start.
 */
export class RefingerprintService {
  private state: RefingerprintState;
  private run: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly doneByOwner = new Map<string, number>();
  private readonly failuresByOwner = new Map<string, RefingerprintFailure[]>();

  constructor(
    private readonly files: RefingerprintRepository,
    private readonly objects: ObjectStore,
    private readonly analyser: StoredFileAnalyser,
    enabled: boolean,
  ) {
    this.state = enabled ? 'idle' : 'off';
  }

  /** Starts the task in the background (once, unless it is off); its lines go to `log`. */
  start(log: (line: string) => void): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.run = this.pass(log)
      .then(
        (finished) => {
          this.state = finished ? 'finished' : 'stopped';
        },
        (error: unknown) => {
          this.state = 'stopped';
          log(`re-fingerprinting stopped: ${errorMessage(error)}; it goes on at the next start`);
        },
      )
      .finally(() => this.analyser.close());
  }

  /** Stops the task (the file in analysis is left for the next start); resolves once it has. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.analyser.close();
    await this.run;
  }

  /** The task's state and the user's share of it. */
  async progress(user: AuthUser): Promise<RefingerprintProgress> {
    return {
      state: this.state,
      pending: await this.files.countOutdated(user.id),
      refingerprinted: this.doneByOwner.get(user.id) ?? 0,
      failed: this.failuresByOwner.get(user.id) ?? [],
    };
  }

  /** One pass over the outdated files in id order; false when stopped before the end. */
  private async pass(log: (line: string) => void): Promise<boolean> {
    const total = await this.files.countOutdated();
    if (total === 0) return true;
    log(`re-fingerprinting ${total} stored files whose fingerprint is outdated, in the background`);
    let refingerprinted = 0;
    let failed = 0;
    let seen = 0;
    let after: string | null = null;
    for (;;) {
      const batch = await this.files.outdatedAfter(after, BATCH_FILES);
      if (batch.length === 0) break;
      for (const file of batch) {
        after = file.id;
        const outcome = await this.analyse(file);
        if (!outcome) {
          log(
            `re-fingerprinting stopped at ${refingerprinted} of ${total} stored files; it goes on at the next start`,
          );
          return false;
        }
        const columns = outcome.ok ? fingerprintColumns(outcome.fingerprint) : null;
        if (!columns) {
          failed++;
          this.recordFailure(
            file,
            outcome.ok ? 'its new fingerprint does not decode' : outcome.reason,
            log,
          );
        } else if (await this.write(file, columns)) {
          refingerprinted++;
        }
        if (++seen % LOG_EVERY_FILES === 0)
          log(`re-fingerprinted ${refingerprinted} of ${total} stored files…`);
        await nextTurn();
      }
    }
    const unread =
      failed > 0 ? `; ${failed} could not be read or decoded and keep their old one` : '';
    log(`re-fingerprinted ${refingerprinted} of ${total} stored files${unread}`);
    return true;
  }

  /** The file's fresh analysis, or null when the task is stopping. */
  private async analyse(file: OutdatedFile): Promise<StoredFileOutcome | null> {
    if (this.stopping) return null;
    const outcome = await this.objects
      .withLocalFile(file.objectKey, (objectPath) =>
        this.analyser.analyse({
          objectPath,
          name: file.originalPath,
          contentHash: file.contentHash,
        }),
      )
      .catch((error: unknown): StoredFileOutcome => {
        if (error instanceof AnalyserStartError) throw error;
        return { ok: false, reason: `its stored object cannot be read: ${errorMessage(error)}` };
      });
    return this.stopping ? null : outcome;
  }

  /** Writes the file's new columns; false when it changed meanwhile (replaced or deleted). */
  private async write(file: OutdatedFile, columns: FingerprintColumns): Promise<boolean> {
    if (!(await this.files.setFingerprint(file, columns))) return false;
    failpoint('server:refingerprinted');
    this.doneByOwner.set(file.ownerId, (this.doneByOwner.get(file.ownerId) ?? 0) + 1);
    return true;
  }

  private recordFailure(file: OutdatedFile, reason: string, log: (line: string) => void): void {
    log(`cannot re-fingerprint ${file.originalPath} (file ${file.id}): ${reason}`);
    const list = this.failuresByOwner.get(file.ownerId) ?? [];
    if (list.length < MAX_FAILURES_KEPT)
      list.push({ asset_id: file.id, path: file.originalPath, reason });
    this.failuresByOwner.set(file.ownerId, list);
  }
}
