import { setImmediate as nextTurn } from 'node:timers/promises';
import { errorMessage } from '../../../shared/files/index.js';
import { timbreColumns } from './timbre-columns.js';
import type { TimbreRepository } from './timbre.repository.js';

/** Rows read at a time. */
const BATCH_ROWS = 200;

/**
 * Gives library files stored before timbre vectors existed, or with a vector of an earlier
 * release's TIMBRE_VERSION, this release's vector, computed from the fingerprint they hold (no
 * audio is read: ~0.1 ms a file), in the background at start, so that they take part in similar
 * sounds. A file whose fingerprint does not decode keeps what it has (an earlier vector, which
 * reading ignores).
 */
export class TimbreBackfill {
  private run: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(private readonly files: TimbreRepository) {}

  /** Starts the pass in the background; its lines go to `log`. */
  start(log: (line: string) => void): void {
    this.run = this.pass(log).catch((error: unknown) => {
      log(`timbre vectors stopped: ${errorMessage(error)}; they go on at the next start`);
    });
  }

  /** Resolves once the pass has ended (done, stopped or failed). */
  whenDone(): Promise<void> {
    return this.run;
  }

  /** Stops the pass after the current file; resolves once it has. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.run;
  }

  private async pass(log: (line: string) => void): Promise<void> {
    let after: string | null = null;
    let filled = 0;
    while (!this.stopping) {
      const batch = await this.files.missingAfter(after, BATCH_ROWS);
      if (batch.length === 0) break;
      for (const row of batch) {
        if (this.stopping) return;
        after = row.id;
        const columns = timbreColumns(row.fingerprint);
        if (columns.timbre) {
          await this.files.fill(row.id, columns);
          filled++;
        }
      }
      await nextTurn();
    }
    if (filled > 0) log(`computed the timbre vectors of ${filled} stored files for similar sounds`);
  }
}
