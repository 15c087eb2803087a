import { describe, expect, it } from 'vitest';
import type { CheckResponse } from '../../../../shared/schemas/index.js';
import type { SimilarInfo } from '../../queue/queue-types.js';
import { queueFile } from '../../queue/test-files.js';
import { sameLinks, withLibraryCheck, withRunMatch } from './sound-links.js';

const ASSET = '6833bf28-0000-4000-8000-000000000001';
const OTHER_ASSET = '6833bf28-0000-4000-8000-000000000002';

type CheckResult = CheckResponse['results'][number];

function accepted(similarTo: CheckResult['similar_to'] = []): CheckResult {
  return {
    id: 'Takes/Kick 2.wav',
    action: 'accept',
    reason: null,
    asset_id: null,
    match: null,
    similar_to: similarTo,
  };
}

const inSelection = (path: string): SimilarInfo => ({ of: 'selection', path });
const inLibrary = (assetId: string, path: string): SimilarInfo => ({
  of: 'library',
  assetId,
  path,
});

describe('withRunMatch', () => {
  const file = queueFile('Takes/Kick 2.wav', { similar: [inLibrary(ASSET, 'Old/Kick.wav')] });

  it('marks a copy by identical bytes or by sound, close to nothing', () => {
    const bytes = withRunMatch(file, {
      duplicate: { duplicateOf: 'Kick.wav', by: 'content_hash' },
      similarTo: [],
    });
    expect(bytes.duplicate).toEqual({ of: 'selection', ref: 'Kick.wav', match: 'content' });
    expect(bytes.similar).toEqual([]);
    const sound = withRunMatch(file, {
      duplicate: { duplicateOf: 'Kick.wav', by: 'fingerprint' },
      similarTo: [],
    });
    expect(sound.duplicate).toEqual({ of: 'selection', ref: 'Kick.wav', match: 'sound' });
  });

  it('links a kept file to the earlier files it is close to, best first', () => {
    const next = withRunMatch(file, { duplicate: null, similarTo: ['Kick.wav', 'Kick 3.wav'] });
    expect(next.duplicate).toBeNull();
    expect(next.similar).toEqual([inSelection('Kick.wav'), inSelection('Kick 3.wav')]);
  });

  it('clears an earlier duplicate mark and the library links (the preflight gives them again)', () => {
    const stale = { ...file, duplicate: { of: 'library', ref: ASSET, match: 'sound' } as const };
    const next = withRunMatch(stale, { duplicate: null, similarTo: [] });
    expect(next).toMatchObject({ duplicate: null, similar: [] });
  });
});

describe('withLibraryCheck', () => {
  it('marks a library duplicate, close to nothing', () => {
    const file = queueFile('Kick.wav', { similar: [inSelection('Kick 0.wav')] });
    const result: CheckResult = {
      ...accepted(),
      action: 'reject',
      reason: 'duplicate',
      asset_id: ASSET,
      match: 'content',
    };
    expect(withLibraryCheck(file, result)).toMatchObject({
      duplicate: { of: 'library', ref: ASSET, match: 'content' },
      similar: [],
    });
  });

  it('adds the library sounds close to an accepted file after those of the selection', () => {
    const file = queueFile('Takes/Kick 2.wav', { similar: [inSelection('Kick.wav')] });
    const next = withLibraryCheck(
      file,
      accepted([
        { asset_id: ASSET, entry_id: null, path: 'Old/Kick.wav' },
        { asset_id: OTHER_ASSET, entry_id: null, path: 'Old/Kick take 2.wav' },
      ]),
    );
    expect(next.duplicate).toBeNull();
    expect(next.similar).toEqual([
      inSelection('Kick.wav'),
      inLibrary(ASSET, 'Old/Kick.wav'),
      inLibrary(OTHER_ASSET, 'Old/Kick take 2.wav'),
    ]);
  });

  it('replaces library links of an earlier check and drops sounds with no library file', () => {
    const file = queueFile('Kick.wav', { similar: [inLibrary(ASSET, 'Old/Kick.wav')] });
    const next = withLibraryCheck(
      file,
      accepted([
        { asset_id: null, entry_id: '85c3dc86-0000-4000-8000-000000000001', path: 'x.wav' },
        { asset_id: OTHER_ASSET, entry_id: null, path: 'Old/Snare.wav' },
      ]),
    );
    expect(next.similar).toEqual([inLibrary(OTHER_ASSET, 'Old/Snare.wav')]);
  });
});

describe('sameLinks', () => {
  it('compares the duplicate and similar sounds, nothing else', () => {
    const file = queueFile('a.wav', { similar: [inSelection('b.wav')] });
    expect(sameLinks(file, { ...file, similar: [inSelection('b.wav')], seq: 4 })).toBe(true);
    expect(sameLinks(file, { ...file, similar: [] })).toBe(false);
    expect(
      sameLinks(file, { ...file, duplicate: { of: 'selection', ref: 'b.wav', match: 'sound' } }),
    ).toBe(false);
  });
});
