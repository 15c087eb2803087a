import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fingerprint } from '../../../shared/analysis/index.js';
import { ImportQueue, type FoundFile } from './import-queue.js';
import { QueueDb } from './queue-db.js';

let db: QueueDb;
let queue: ImportQueue;

beforeEach(() => {
  db = new QueueDb(`test-${crypto.randomUUID()}`);
  queue = new ImportQueue(db);
});

afterEach(async () => {
  await db.delete();
});

function found(path: string, sizeBytes = 1000): FoundFile {
  return { path, sizeBytes, lastModified: 1_700_000_000_000 };
}

function print(durationMs: number): Fingerprint {
  return { v: 1, durationMs, edgeMs: 5, frameMs: 11.6, frames: 1, matrix: 'AAAA', profile: 'AAAA' };
}

/** A directory handle as far as IndexedDB sees it: data it can structured-clone. */
function handle(name: string): FileSystemDirectoryHandle {
  return { kind: 'directory', name } as unknown as FileSystemDirectoryHandle;
}

describe('ImportQueue', () => {
  it('has nothing to open before any import', async () => {
    expect(await queue.open()).toBeNull();
  });

  it('opens a created import with its files in discovery order', async () => {
    // Paths in reverse alphabetical order, so primary-key order would differ from seq order.
    const paths = ['Zed/c.wav', 'Mid/b.wav', 'Alpha/a.wav', 'Beta/d.wav'];
    const created = await queue.create(
      ['Samples'],
      paths.map((p) => found(p)),
    );
    expect(created.record).toMatchObject({
      roots: ['Samples'],
      step: 'choose',
      jobId: null,
      manifestClosed: false,
      finishedAt: null,
    });
    expect(created.files.map((f) => [f.path, f.seq, f.state])).toEqual(
      paths.map((p, i) => [p, i, 'discovered']),
    );

    const opened = await queue.open();
    expect(opened?.record).toEqual(created.record);
    expect(opened?.files).toEqual(created.files);
    expect(opened?.files.map((f) => f.path)).toEqual(paths);
    expect(opened?.files[0]).toMatchObject({
      importId: created.record.id,
      sizeBytes: 1000,
      lastModified: 1_700_000_000_000,
      reason: null,
      contentHash: null,
      analysis: null,
      edits: {},
      duplicate: null,
      similar: [],
      resolution: null,
      sent: false,
      uploadedBytes: 0,
    });
  });

  it('opens an import saved before files named their similar sounds, each with none', async () => {
    const name = `legacy-${crypto.randomUUID()}`;
    const legacy = new Dexie(name);
    legacy.version(1).stores({
      imports: 'id, createdAt',
      files: '[importId+path], importId, [importId+seq], [importId+state]',
      fingerprints: '[importId+path], importId',
      handles: 'importId',
    });
    const { record, files } = await queue.create(['Samples'], [found('Samples/a.wav')]);
    const { similar: _similar, ...before } = files[0]!;
    await legacy.table('imports').put(record);
    await legacy.table('files').put({ ...before, state: 'analysed' });
    legacy.close();

    const upgraded = new QueueDb(name);
    try {
      const opened = await new ImportQueue(upgraded).open();
      expect(opened?.files).toEqual([{ ...files[0]!, state: 'analysed', similar: [] }]);
    } finally {
      await upgraded.delete();
    }
  });

  it('adds only unknown paths, continuing the sequence', async () => {
    const { record, files } = await queue.create(['Samples'], [found('a.wav'), found('b.wav')]);
    const known = new Set(files.map((f) => f.path));
    const added = await queue.add(
      { ...record, roots: ['Samples', 'More'] },
      known,
      [found('b.wav'), found('c.wav'), found('a.wav'), found('d.wav')],
      2,
    );
    expect(added.map((f) => [f.path, f.seq])).toEqual([
      ['c.wav', 2],
      ['d.wav', 3],
    ]);

    const opened = await queue.open();
    expect(opened?.record.roots).toEqual(['Samples', 'More']);
    expect(opened?.files.map((f) => [f.path, f.seq])).toEqual([
      ['a.wav', 0],
      ['b.wav', 1],
      ['c.wav', 2],
      ['d.wav', 3],
    ]);
  });

  it('does not overwrite a known file when its path is found again', async () => {
    const { record, files } = await queue.create(['Samples'], [found('a.wav')]);
    await queue.saveFiles([{ ...files[0]!, state: 'analysed', contentHash: '0123456789abcdef' }]);
    await queue.add(record, new Set(['a.wav']), [found('a.wav', 5)], 1);
    const opened = await queue.open();
    expect(opened?.files).toHaveLength(1);
    expect(opened?.files[0]).toMatchObject({
      state: 'analysed',
      contentHash: '0123456789abcdef',
      sizeBytes: 1000,
    });
  });

  it("reopens a file saved as 'uploading' as 'pending_upload', keeping its progress", async () => {
    const { files } = await queue.create(['Samples'], [found('a.wav'), found('b.wav')]);
    await queue.saveFiles([
      { ...files[0]!, state: 'uploading', uploadUrl: '/api/v1/uploads/x', uploadedBytes: 400 },
      { ...files[1]!, state: 'done' },
    ]);
    const opened = await queue.open();
    expect(opened?.files.map((f) => f.state)).toEqual(['pending_upload', 'done']);
    expect(opened?.files[0]).toMatchObject({ uploadUrl: '/api/v1/uploads/x', uploadedBytes: 400 });
    // What is stored is left as it was; only what open() answers changes.
    expect((await db.files.get([files[0]!.importId, 'a.wav']))?.state).toBe('uploading');
  });

  it('saves and reads fingerprints, all or by path', async () => {
    const { record } = await queue.create(['S'], [found('a.wav'), found('b.wav'), found('c.wav')]);
    const other = await queue.create(['T'], [found('a.wav')]);
    await queue.saveFingerprints(
      record.id,
      new Map([
        ['a.wav', print(100)],
        ['b.wav', print(200)],
        ['c.wav', print(300)],
      ]),
    );
    await queue.saveFingerprints(other.record.id, new Map([['a.wav', print(999)]]));
    await queue.saveFingerprints(record.id, new Map());

    const all = await queue.fingerprints(record.id);
    expect([...all.keys()].sort()).toEqual(['a.wav', 'b.wav', 'c.wav']);
    expect(all.get('b.wav')).toEqual(print(200));

    const some = await queue.fingerprints(record.id, ['c.wav', 'missing.wav', 'a.wav']);
    expect([...some].sort()).toEqual([
      ['a.wav', print(100)],
      ['c.wav', print(300)],
    ]);

    expect(await queue.fingerprints(other.record.id)).toEqual(new Map([['a.wav', print(999)]]));
    expect(await queue.fingerprints(record.id, [])).toEqual(new Map());
  });

  it('overwrites a fingerprint saved again for the same path', async () => {
    const { record } = await queue.create(['S'], [found('a.wav')]);
    await queue.saveFingerprints(record.id, new Map([['a.wav', print(100)]]));
    await queue.saveFingerprints(record.id, new Map([['a.wav', print(150)]]));
    expect(await queue.fingerprints(record.id)).toEqual(new Map([['a.wav', print(150)]]));
  });

  it('keeps folder handles and appends later ones', async () => {
    const { record } = await queue.create(['Drums'], [found('Drums/a.wav')]);
    expect(await queue.handles(record.id)).toEqual([]);
    await queue.saveHandles(record.id, [handle('Drums')]);
    await queue.saveHandles(record.id, [handle('Bass'), handle('Keys')]);
    const handles = await queue.handles(record.id);
    expect(handles.map((h) => h.name)).toEqual(['Drums', 'Bass', 'Keys']);
    expect(await queue.handles('another-import')).toEqual([]);
  });

  it('discards an import and all its rows, leaving the others', async () => {
    const gone = await queue.create(['S'], [found('a.wav'), found('b.wav')]);
    const kept = await queue.create(['T'], [found('a.wav')]);
    for (const { record } of [gone, kept]) {
      await queue.saveFingerprints(record.id, new Map([['a.wav', print(100)]]));
      await queue.saveHandles(record.id, [handle('S')]);
    }

    await queue.discard(gone.record.id);

    expect(await db.imports.get(gone.record.id)).toBeUndefined();
    expect(await db.files.where('importId').equals(gone.record.id).count()).toBe(0);
    expect(await db.fingerprints.where('importId').equals(gone.record.id).count()).toBe(0);
    expect(await db.handles.get(gone.record.id)).toBeUndefined();

    expect(await db.imports.get(kept.record.id)).toBeDefined();
    expect(await db.files.where('importId').equals(kept.record.id).count()).toBe(1);
    expect((await queue.fingerprints(kept.record.id)).size).toBe(1);
    expect(await queue.handles(kept.record.id)).toHaveLength(1);
    expect((await queue.open())?.record.id).toBe(kept.record.id);
  });

  it('opens the newest unfinished import before any finished one', async () => {
    const oldest = await queue.create(['1'], [found('one.wav')]);
    const middle = await queue.create(['2'], [found('two.wav')]);
    const newest = await queue.create(['3'], [found('three.wav')]);
    // Date.now() may repeat within a test: give each import its own creation time.
    await queue.saveRecord({ ...oldest.record, createdAt: 1000 });
    await queue.saveRecord({ ...middle.record, createdAt: 2000 });
    await queue.saveRecord({
      ...newest.record,
      createdAt: 3000,
      step: 'summary',
      finishedAt: 3500,
    });

    let opened = await queue.open();
    expect(opened?.record.id).toBe(middle.record.id);
    expect(opened?.files.map((f) => f.path)).toEqual(['two.wav']);

    await queue.saveRecord({ ...middle.record, createdAt: 2000, finishedAt: 2500 });
    opened = await queue.open();
    expect(opened?.record.id).toBe(oldest.record.id);
    expect(opened?.files.map((f) => f.path)).toEqual(['one.wav']);
  });

  it('with every import finished, opens the newest only while its summary is to be shown', async () => {
    const older = await queue.create(['1'], [found('one.wav')]);
    const newer = await queue.create(['2'], [found('two.wav')]);
    await queue.saveRecord({ ...older.record, createdAt: 1000, step: 'summary', finishedAt: 1500 });
    await queue.saveRecord({ ...newer.record, createdAt: 2000, step: 'summary', finishedAt: 2500 });

    const opened = await queue.open();
    expect(opened?.record.id).toBe(newer.record.id);
    expect(opened?.record.finishedAt).toBe(2500);
    expect(opened?.files.map((f) => f.path)).toEqual(['two.wav']);

    // The newest one ended elsewhere than at its summary: an older summary is not brought back.
    await queue.saveRecord({ ...newer.record, createdAt: 2000, step: 'upload', finishedAt: 2500 });
    expect(await queue.open()).toBeNull();
  });

  it('keeps a watched folder apart from the imports it makes', async () => {
    expect(await queue.watch()).toBeNull();
    const { record } = await queue.create(['Pack'], [found('Pack/a.wav')]);
    const watch = {
      id: 'watch' as const,
      roots: ['Pack'],
      handles: [handle('Pack')],
      listing: [found('Pack/a.wav')],
      gone: [],
      lastScanAt: 1_700_000_000_500,
      imported: 2,
      batchImportId: record.id,
    };
    await queue.saveWatch(watch);
    // The import it started going away leaves the watch (and its handle) as it was.
    await queue.discard(record.id);
    expect(await queue.watch()).toEqual(watch);
    await queue.dropWatch();
    expect(await queue.watch()).toBeNull();
  });
});
