import { EventEmitter } from 'node:events';
import type { BulkImportUpdate } from '../../../shared/schemas/index.js';

/**
 * `bulk_import.update` events of this process, delivered only to the listeners of the job's
 * owner. (Several server processes on one PostgreSQL would relay these with LISTEN/NOTIFY.)
 */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(ownerId: string, event: BulkImportUpdate): void {
    this.emitter.emit(ownerId, event);
  }

  /** Calls `listener` with each event of the owner's jobs until the returned function is called. */
  subscribe(ownerId: string, listener: (event: BulkImportUpdate) => void): () => void {
    this.emitter.on(ownerId, listener);
    return () => this.emitter.off(ownerId, listener);
  }
}
