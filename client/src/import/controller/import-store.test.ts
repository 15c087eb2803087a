import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ImportQueue } from '../../queue/import-queue.js';
import { QueueDb } from '../../queue/queue-db.js';
import { queueFile } from '../../queue/test-files.js';
import { ImportStore } from './import-store.js';

let db: QueueDb;
let queue: ImportQueue;

beforeEach(() => {
  vi.stubGlobal('navigator', { onLine: true });
  db = new QueueDb(`test-${crypto.randomUUID()}`);
  queue = new ImportQueue(db);
});

afterEach(async () => {
  vi.unstubAllGlobals();
  await db.delete();
});

describe('ImportStore', () => {
  it('shows the similar groups apart from the duplicates, and keeps them across a reload', async () => {
    const { record, files } = await queue.create(
      ['Pack'],
      ['Pack/Hit.wav', 'Pack/Hit copy.wav', 'Pack/Hit take 2.wav'].map((path) => ({
        path,
        sizeBytes: 1000,
        lastModified: 0,
      })),
    );
    const store = new ImportStore(queue);
    store.load(record, files);
    expect(store.getSnapshot().similar).toEqual([]);

    const [hit, copy, take] = files.map((f) => ({ ...f, state: 'analysed' as const }));
    store.set(hit!);
    store.set({ ...copy!, duplicate: { of: 'selection', ref: hit!.path, match: 'content' } });
    store.set({ ...take!, similar: [{ of: 'selection', path: hit!.path }] });
    const view = store.getSnapshot();
    expect(view.groups.map((g) => g.members.map((f) => f.path))).toEqual([
      ['Pack/Hit.wav', 'Pack/Hit copy.wav'],
    ]);
    expect(view.similar.map((g) => [g.id, g.files.map((f) => f.path)])).toEqual([
      ['Pack/Hit take 2.wav', ['Pack/Hit.wav']],
    ]);

    await store.flush();
    const reopened = new ImportStore(queue);
    const open = await queue.open();
    reopened.load(open!.record, open!.files);
    expect(reopened.getSnapshot().similar.map((g) => g.id)).toEqual(['Pack/Hit take 2.wav']);
  });

  it('rebuilds the similar groups when only the similar sounds of a file change', () => {
    const store = new ImportStore(queue);
    const a = queueFile('a.wav');
    const b = queueFile('b.wav', { seq: 1 });
    store.load(null, [a, b]);
    expect(store.getSnapshot().similar).toHaveLength(0);
    store.set({ ...b, similar: [{ of: 'selection', path: 'a.wav' }] });
    expect(store.getSnapshot().similar.map((g) => g.id)).toEqual(['b.wav']);
    store.set({ ...b, similar: [] });
    expect(store.getSnapshot().similar).toHaveLength(0);
  });
});
