import { describe, expect, it } from 'vitest';
import type { CheckResponse } from '../schemas/index.js';
import { checkCopies, type CopyCandidate, type CopyLinks } from './copy-check.js';
import type { CheckItem } from './import-api.js';

const ASSET = '6833bf28-0000-4000-8000-000000000001';
const OTHER_ASSET = '6833bf28-0000-4000-8000-000000000002';
const hash = (n: number) => n.toString(16).padStart(64, '0');

type CheckResult = CheckResponse['results'][number];

/** A library whose preflight answers each hash as scripted (default: new, close to nothing). */
function library(answers: Record<string, Partial<CheckResult>>) {
  const calls: string[][] = [];
  const check = (items: CheckItem[]): Promise<CheckResponse> => {
    calls.push(items.map((i) => i.id));
    return Promise.resolve({
      results: items.map((item) => ({
        id: item.id,
        action: 'accept' as const,
        reason: null,
        asset_id: null,
        match: null,
        similar_to: [],
        ...answers[item.content_hash],
      })),
    });
  };
  return { calls, check };
}

async function links(
  files: CopyCandidate[],
  check: ReturnType<typeof library>['check'],
  batch?: number,
) {
  const found = new Map<string, CopyLinks>();
  await checkCopies(files, check, (key, l) => found.set(key, l), batch);
  return found;
}

const file = (key: string, n: number): CopyCandidate => ({
  key,
  contentHash: hash(n),
  fingerprint: null,
});

describe('checkCopies', () => {
  it('a copy within the run names its first file, and the library is not asked about it', async () => {
    const server = library({});
    const found = await links([file('Kick.wav', 1), file('Copy/Kick.wav', 1)], server.check);
    expect(found.get('Copy/Kick.wav')).toEqual({
      duplicate: { of: 'selection', ref: 'Kick.wav', match: 'content' },
      similar: [],
    });
    expect(found.get('Kick.wav')).toEqual({ duplicate: null, similar: [] });
    expect(server.calls).toEqual([['Kick.wav']]);
  });

  it('a sound the library holds is its duplicate, close to nothing', async () => {
    const server = library({
      [hash(2)]: { action: 'reject', reason: 'duplicate', asset_id: ASSET, match: 'sound' },
    });
    const found = await links([file('Snare.wav', 2)], server.check);
    expect(found.get('Snare.wav')).toEqual({
      duplicate: { of: 'library', ref: ASSET, match: 'sound' },
      similar: [],
    });
  });

  it('a kept file is linked to the library sounds close to it, those without a file dropped', async () => {
    const server = library({
      [hash(3)]: {
        similar_to: [
          { asset_id: null, entry_id: '85c3dc86-0000-4000-8000-000000000001', path: 'x.wav' },
          { asset_id: OTHER_ASSET, entry_id: null, path: 'Old/Snare.wav' },
        ],
      },
    });
    const found = await links([file('Snare 2.wav', 3)], server.check);
    expect(found.get('Snare 2.wav')).toEqual({
      duplicate: null,
      similar: [{ of: 'library', assetId: OTHER_ASSET, path: 'Old/Snare.wav' }],
    });
  });

  it('asks the library in batches, and tells every file once', async () => {
    const server = library({});
    const files = Array.from({ length: 7 }, (_, i) => file(`f${i}.wav`, 10 + i));
    const found = await links(files, server.check, 3);
    expect(server.calls.map((c) => c.length)).toEqual([3, 3, 1]);
    expect([...found.keys()].sort()).toEqual(files.map((f) => f.key).sort());
  });
});
