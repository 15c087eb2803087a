import Dexie, { type EntityTable } from 'dexie';
import { savedStage } from '../../../shared/import/index.js';
import type {
  ImportRecord,
  QueueFile,
  StoredFingerprint,
  StoredHandles,
  WatchRecord,
} from './queue-types.js';

/** The import queue in IndexedDB: survives reloads, closed tabs and app updates. */
export class QueueDb extends Dexie {
  imports!: EntityTable<ImportRecord, 'id'>;
  files!: Dexie.Table<QueueFile, [string, string]>;
  fingerprints!: Dexie.Table<StoredFingerprint, [string, string]>;
  handles!: EntityTable<StoredHandles, 'importId'>;
  watches!: EntityTable<WatchRecord, 'id'>;

  constructor(name = 'sm-import-queue') {
    super(name);
    this.version(1).stores({
      imports: 'id, createdAt',
      files: '[importId+path], importId, [importId+seq], [importId+state]',
      fingerprints: '[importId+path], importId',
      handles: 'importId',
    });
    // Files carry the sounds they are close to; an import saved by an earlier app had none.
    this.version(2)
      .stores({})
      .upgrade((tx) =>
        tx
          .table<Partial<QueueFile>>('files')
          .toCollection()
          .modify((file) => {
            file.similar ??= [];
          }),
      );
    // The stage between the manifest and the upload took the server's name (was 'checked').
    this.version(3)
      .stores({})
      .upgrade((tx) =>
        tx
          .table<{ state: string }>('files')
          .toCollection()
          .modify((file) => {
            file.state = savedStage(file.state);
          }),
      );
    // A folder kept in sync, with its handle: it outlives the imports it makes.
    this.version(4).stores({ watches: 'id' });
  }
}
