import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WatchRecord } from '../../queue/queue-types.js';
import type { ImportController } from '../controller/import-controller.js';
import type { Pick } from '../pick/picked-files.js';
import { FolderSync } from './folder-sync.js';

/** A file of a fake folder: its bytes, and the date the file system gives it. */
class FakeFile {
  readonly kind = 'file';
  constructor(
    readonly name: string,
    public text: string,
    public lastModified = 1_000,
  ) {}
  getFile(): Promise<File> {
    return Promise.resolve(new File([this.text], this.name, { lastModified: this.lastModified }));
  }
}

/** A folder as a FileSystemDirectoryHandle shows it, with read permission as the test sets. */
class FakeDir {
  readonly kind = 'directory';
  readonly entries = new Map<string, FakeDir | FakeFile>();
  permission: PermissionState = 'granted';
  constructor(readonly name: string) {}
  async *values(): AsyncGenerator<FakeDir | FakeFile> {
    await Promise.resolve();
    yield* [...this.entries.values()];
  }
  put(path: string, text: string, lastModified = 1_000): void {
    const [first, ...rest] = path.split('/');
    if (rest.length === 0) {
      this.entries.set(first!, new FakeFile(first!, text, lastModified));
      return;
    }
    let dir = this.entries.get(first!);
    if (!(dir instanceof FakeDir)) this.entries.set(first!, (dir = new FakeDir(first!)));
    dir.put(rest.join('/'), text, lastModified);
  }
  queryPermission(): Promise<PermissionState> {
    return Promise.resolve(this.permission);
  }
  requestPermission(): Promise<PermissionState> {
    this.permission = 'granted';
    return Promise.resolve('granted');
  }
}

const TIMING = { pollMs: 15, settleMs: 15 };

/** The controller as the sync sees it: its store's record and queue, and batches made. */
function fakeController(folder: FakeDir, watch: WatchRecord) {
  let record: { id: string; finishedAt: number | null } | null = { id: 'first', finishedAt: 1 };
  let saved: WatchRecord | null = watch;
  let done = 0;
  const listeners = new Set<() => void>();
  const batches: string[][] = [];
  let refusals = 0;
  const store = {
    get record() {
      return record;
    },
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => ({ counts: { done }, missing: 0, canRegrant: false }),
    queue: {
      watch: () => Promise.resolve(saved),
      saveWatch: (w: WatchRecord) => {
        saved = w;
        return Promise.resolve();
      },
      dropWatch: () => {
        saved = null;
        return Promise.resolve();
      },
    },
  };
  const controller = {
    store,
    addSyncBatch: (pick: Pick) => {
      if (refusals > 0) {
        refusals--;
        return Promise.reject(new Error('The queue could not be written.'));
      }
      batches.push(pick.files.map((f) => f.path));
      record = { id: `batch-${batches.length}`, finishedAt: null };
      return Promise.resolve();
    },
  };
  return {
    controller: controller as unknown as ImportController,
    batches,
    saved: () => saved,
    /** Ends the batch under way with `imported` files stored. */
    finishBatch(imported: number) {
      done = imported;
      record = { ...record!, finishedAt: Date.now() };
      for (const listener of listeners) listener();
    },
    /** The next `n` batches are not taken (the queue cannot be written). */
    refuse(n: number) {
      refusals = n;
    },
    startManualImport() {
      record = { id: 'manual', finishedAt: null };
    },
  };
}

function watchOf(folder: FakeDir, listing: string[]): WatchRecord {
  return {
    id: 'watch',
    roots: [folder.name],
    handles: [folder as unknown as FileSystemDirectoryHandle],
    listing: listing.map((path) => ({ path, sizeBytes: 4, lastModified: 1_000 })),
    gone: [],
    lastScanAt: null,
    imported: 0,
    batchImportId: null,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sync: FolderSync | null = null;

beforeEach(() => {
  vi.stubGlobal('document', { visibilityState: 'visible', addEventListener: () => undefined });
});

afterEach(() => {
  sync?.dispose();
  sync = null;
  vi.unstubAllGlobals();
});

/** A folder "Pack" with a.wav and b.wav (4 bytes each), watched with both known. */
function setUp() {
  const folder = new FakeDir('Pack');
  folder.put('a.wav', 'aaaa');
  folder.put('b.wav', 'bbbb');
  const fake = fakeController(folder, watchOf(folder, ['Pack/a.wav', 'Pack/b.wav']));
  sync = new FolderSync(fake.controller, TIMING);
  return { folder, fake, sync };
}

describe('FolderSync', () => {
  it('imports new and changed files as one batch, once two scans agree on them', async () => {
    const { folder, fake, sync } = setUp();
    await sync.open();
    await vi.waitFor(() => expect(sync.getSnapshot().lastScanAt).not.toBeNull());
    expect(fake.batches).toEqual([]);

    folder.put('b.wav', 'bbbb', 2_000);
    folder.put('New/c.wav', 'cccc');
    folder.put('New/d.wav', 'dddd');
    await vi.waitFor(() => expect(fake.batches).toHaveLength(1));
    expect([...fake.batches[0]!].sort()).toEqual([
      'Pack/New/c.wav',
      'Pack/New/d.wav',
      'Pack/b.wav',
    ]);
    expect(fake.saved()?.batchImportId).toBe('batch-1');

    fake.finishBatch(3);
    await vi.waitFor(() => expect(sync.getSnapshot().imported).toBe(3));
    // Known now: later scans import nothing more.
    await pause(100);
    expect(fake.batches).toHaveLength(1);
    expect(fake.saved()?.imported).toBe(3);
  });

  it('waits while a file is still growing', async () => {
    const { folder, fake, sync } = setUp();
    await sync.open();
    await vi.waitFor(() => expect(sync.getSnapshot().lastScanAt).not.toBeNull());
    let size = 1;
    const growing = setInterval(() => folder.put('big.wav', 'x'.repeat(++size), size), 5);
    await pause(120);
    expect(fake.batches).toEqual([]);
    clearInterval(growing);
    await vi.waitFor(() => expect(fake.batches).toEqual([['Pack/big.wav']]));
  });

  it('leaves out what .smignore excludes and hidden files', async () => {
    const { folder, fake, sync } = setUp();
    await sync.open();
    folder.put('.smignore', 'Scratch/\n');
    folder.put('Scratch/e.wav', 'eeee');
    folder.put('.DS_Store', 'x');
    folder.put('f.wav', 'ffff');
    await vi.waitFor(() => expect(fake.batches).toEqual([['Pack/f.wav']]));
  });

  it('lists files gone from the folder and imports nothing for them', async () => {
    const { folder, fake, sync } = setUp();
    await sync.open();
    folder.entries.delete('a.wav');
    await vi.waitFor(() => expect(sync.getSnapshot().gone).toEqual(['Pack/a.wav']));
    await pause(60);
    expect(fake.batches).toEqual([]);
    // Back again: no longer listed as gone, and imported as new (the server tells a copy).
    folder.put('a.wav', 'aaaa');
    await vi.waitFor(() => expect(fake.batches).toEqual([['Pack/a.wav']]));
    expect(sync.getSnapshot().gone).toEqual([]);
  });

  it('starts no batch beside an import under way', async () => {
    const { folder, fake, sync } = setUp();
    fake.startManualImport();
    await sync.open();
    folder.put('c.wav', 'cccc');
    await vi.waitFor(() => expect(sync.getSnapshot().state).toBe('waiting'));
    await pause(80);
    expect(fake.batches).toEqual([]);
    fake.finishBatch(0);
    await vi.waitFor(() => expect(fake.batches).toEqual([['Pack/c.wav']]));
  });

  it('a batch not taken is said and tried again after the backoff, its files kept', async () => {
    const { folder, fake, sync } = setUp();
    fake.refuse(1);
    const errors: (string | null)[] = [];
    sync.subscribe(() => errors.push(sync.getSnapshot().error));
    await sync.open();
    folder.put('c.wav', 'cccc');
    await vi.waitFor(() =>
      expect(errors).toContain('The last scan failed: The queue could not be written.'),
    );
    expect(fake.batches).toEqual([]);
    expect(fake.saved()?.listing.map((f) => f.path)).not.toContain('Pack/c.wav');
    await vi.waitFor(() => expect(fake.batches).toEqual([['Pack/c.wav']]), { timeout: 3000 });
    expect(fake.saved()?.listing.map((f) => f.path)).toContain('Pack/c.wav');
  });

  it('asks for the folder again after a reopen, and scans once allowed', async () => {
    const { folder, fake, sync } = setUp();
    folder.permission = 'prompt';
    folder.put('c.wav', 'cccc');
    await sync.open();
    expect(sync.getSnapshot()).toMatchObject({ state: 'needs-permission', roots: ['Pack'] });
    await pause(60);
    expect(fake.batches).toEqual([]);
    await sync.resume();
    await vi.waitFor(() => expect(fake.batches).toEqual([['Pack/c.wav']]));
  });

  it('a reopened page takes the kept listing as imported: nothing goes twice', async () => {
    const { folder, fake, sync: first } = setUp();
    await first.open();
    folder.put('c.wav', 'cccc');
    await vi.waitFor(() => expect(fake.batches).toEqual([['Pack/c.wav']]));
    fake.finishBatch(1);
    first.dispose();
    expect(fake.saved()?.listing.map((f) => f.path)).toEqual([
      'Pack/a.wav',
      'Pack/b.wav',
      'Pack/c.wav',
    ]);
    sync = new FolderSync(fake.controller, TIMING);
    await sync.open();
    folder.put('d.wav', 'dddd');
    await vi.waitFor(() => expect(fake.batches).toEqual([['Pack/c.wav'], ['Pack/d.wav']]));
  });

  it('stops: no scan after, and the watch is forgotten', async () => {
    const { folder, fake, sync } = setUp();
    await sync.open();
    await sync.stop();
    folder.put('c.wav', 'cccc');
    await pause(80);
    expect(fake.batches).toEqual([]);
    expect(fake.saved()).toBeNull();
    expect(sync.getSnapshot().state).toBe('off');
  });
});
