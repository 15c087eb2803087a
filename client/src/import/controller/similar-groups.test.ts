import { describe, expect, it } from 'vitest';
import type { QueueFile, SimilarInfo } from '../../queue/queue-types.js';
import { queueFile } from '../../queue/test-files.js';
import { countKeptBesideSimilar, similarGroups } from './similar-groups.js';

const ASSET = '6833bf28-0000-4000-8000-000000000001';
const inSelection = (path: string): SimilarInfo => ({ of: 'selection', path });

/** Each group as [id, selection paths, library asset ids]. */
const shape = (files: QueueFile[]) =>
  similarGroups(files).map((g) => [
    g.id,
    g.files.map((f) => f.path),
    g.library.map((s) => s.assetId),
  ]);

describe('similarGroups', () => {
  it('is empty when no file is close to another', () => {
    expect(similarGroups([queueFile('a.wav'), queueFile('b.wav', { seq: 1 })])).toEqual([]);
  });

  it('gives each file close to others a group with those sounds, in discovery order', () => {
    const hit = queueFile('Hit.wav', { seq: 0 });
    const take2 = queueFile('Hit take 2.wav', { seq: 1, similar: [inSelection('Hit.wav')] });
    const take3 = queueFile('Hit take 3.wav', {
      seq: 2,
      similar: [
        inSelection('Hit take 2.wav'),
        inSelection('Hit.wav'),
        { of: 'library', assetId: ASSET, path: 'Old/Hit.wav' },
      ],
    });
    expect(shape([take3, hit, take2])).toEqual([
      ['Hit take 2.wav', ['Hit.wav'], []],
      ['Hit take 3.wav', ['Hit take 2.wav', 'Hit.wav'], [ASSET]],
    ]);
    const [, group] = similarGroups([hit, take2, take3]);
    expect(group!.file).toBe(take3);
    expect(group!.library).toEqual([{ assetId: ASSET, path: 'Old/Hit.wav' }]);
  });

  it('leaves duplicates to the duplicate groups', () => {
    const copy = queueFile('Hit.mp3', {
      seq: 1,
      duplicate: { of: 'selection', ref: 'Hit.wav', match: 'sound' },
      similar: [inSelection('Snare.wav')],
    });
    expect(similarGroups([queueFile('Hit.wav'), copy])).toEqual([]);
  });

  it('drops sounds no longer in the import, and a group left with none', () => {
    const alone = queueFile('b.wav', { similar: [inSelection('gone.wav')] });
    const mixed = queueFile('c.wav', {
      seq: 1,
      similar: [inSelection('gone.wav'), inSelection('b.wav')],
    });
    expect(shape([alone, mixed])).toEqual([['c.wav', ['b.wav'], []]]);
  });
});

describe('countKeptBesideSimilar', () => {
  it('counts stored files close to another sound', () => {
    const close = [inSelection('a.wav')];
    const files = [
      queueFile('a.wav', { state: 'done' }),
      queueFile('b.wav', { state: 'done', similar: close }),
      queueFile('c.wav', { state: 'failed', similar: close }),
      queueFile('d.wav', { state: 'pending_upload', similar: close }),
      queueFile('e.wav', { state: 'done', similar: close }),
    ];
    expect(countKeptBesideSimilar(files)).toBe(2);
  });
});
