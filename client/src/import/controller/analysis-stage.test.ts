import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportApi } from '../../../../shared/import/index.js';
import type { CheckResponse } from '../../../../shared/schemas/index.js';
import { ImportQueue } from '../../queue/import-queue.js';
import { QueueDb } from '../../queue/queue-db.js';
import { findDuplicates } from './analysis-stage.js';
import { ImportStore } from './import-store.js';

const ASSET = '6833bf28-0000-4000-8000-000000000001';
const hash = (n: number) => n.toString(16).padStart(16, '0');

let db: QueueDb;

beforeEach(() => {
  vi.stubGlobal('navigator', { onLine: true });
  db = new QueueDb(`test-${crypto.randomUUID()}`);
});

afterEach(async () => {
  vi.unstubAllGlobals();
  await db.delete();
});

/** A library that holds the sound of hash 3 (the same bytes). */
const library = {
  check: (items: { id: string; content_hash: string }[]): Promise<CheckResponse> =>
    Promise.resolve({
      results: items.map((item) => ({
        id: item.id,
        action: item.content_hash === hash(3) ? ('reject' as const) : ('accept' as const),
        reason: item.content_hash === hash(3) ? ('duplicate' as const) : null,
        asset_id: item.content_hash === hash(3) ? ASSET : null,
        match: item.content_hash === hash(3) ? ('content' as const) : null,
        similar_to: [],
      })),
    }),
} as unknown as ImportApi;

describe('findDuplicates', () => {
  it('marks the run copy and the library copy, and writes nothing again when nothing changed', async () => {
    const queue = new ImportQueue(db);
    const paths = ['Pack/Kick.wav', 'Pack/Kick copy.wav', 'Pack/Snare.wav', 'Pack/Old hat.wav'];
    const { record, files } = await queue.create(
      ['Pack'],
      paths.map((path) => ({ path, sizeBytes: 1000, lastModified: 0 })),
    );
    const store = new ImportStore(queue);
    const hashes = [1, 1, 2, 3];
    store.load(
      record,
      files.map((f, i) => ({ ...f, state: 'analysed', contentHash: hash(hashes[i]!) })),
    );

    await findDuplicates(store, library);
    expect(store.get('Pack/Kick copy.wav')!.duplicate).toEqual({
      of: 'selection',
      ref: 'Pack/Kick.wav',
      match: 'content',
    });
    expect(store.get('Pack/Old hat.wav')!.duplicate).toEqual({
      of: 'library',
      ref: ASSET,
      match: 'content',
    });
    expect(store.get('Pack/Kick.wav')!.duplicate).toBeNull();
    expect(store.get('Pack/Snare.wav')!.duplicate).toBeNull();

    const set = vi.spyOn(store, 'set');
    await findDuplicates(store, library);
    expect(set, 'the same answers again: no file is written').not.toHaveBeenCalled();
  });
});
