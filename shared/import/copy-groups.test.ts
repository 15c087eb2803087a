import { describe, expect, it } from 'vitest';
import type { DuplicateInfo } from './copy-check.js';
import {
  copyGroups,
  groupedManifestOrder,
  isKept,
  plannedEntries,
  type GroupedFile,
} from './copy-groups.js';
import type { CopyQuality } from './copy-order.js';

// Copy groups over plain files: the importer tells the engine only how good each copy is.

interface File extends GroupedFile {
  quality: CopyQuality;
}

const quality = (format: string, bitDepth = 16): CopyQuality => ({
  format,
  sampleRate: 44_100,
  bitDepth,
  sizeBytes: 1000,
});

function file(path: string, seq: number, patch: Partial<File> = {}): File {
  return { path, seq, duplicate: null, resolution: null, quality: quality('wav'), ...patch };
}

const copyOf = (ref: string): DuplicateInfo => ({ of: 'selection', ref, match: 'sound' });
const inLibrary = (ref: string): DuplicateInfo => ({ of: 'library', ref, match: 'content' });
const qualityOf = (f: File) => f.quality;

describe('copyGroups', () => {
  it('groups each copy under the first file of its sound, following a copy of a copy', () => {
    const kick = file('Kick.wav', 0, { duplicate: inLibrary('asset-1') });
    const mp3 = file('Kick.mp3', 2, { duplicate: copyOf('Kick.wav'), quality: quality('mp3') });
    const again = file('Kick again.mp3', 1, { duplicate: copyOf('Kick.mp3') });
    const [group, ...rest] = copyGroups([mp3, again, kick, file('Snare.wav', 3)], qualityOf);
    expect(rest).toEqual([]);
    expect(group!.id).toBe('Kick.wav');
    expect(
      group!.members.map((f) => f.path),
      'in discovery order',
    ).toEqual(['Kick.wav', 'Kick again.mp3', 'Kick.mp3']);
    expect(group!.libraryAssetId).toBe('asset-1');
    expect(group!.best.path).toBe('Kick.wav');
    expect(group!.resolution, 'skip when its first file has none').toBe('skip');
  });

  it('ends on copies that point at each other, each file in one group', () => {
    const a = file('a.wav', 0, { duplicate: copyOf('b.wav') });
    const b = file('b.wav', 1, { duplicate: copyOf('a.wav') });
    const groups = copyGroups([a, b], qualityOf);
    expect(groups.flatMap((g) => g.members).sort((x, y) => x.seq - y.seq)).toEqual([a, b]);
  });

  it('groups a copy whose first file is missing on its own', () => {
    const orphan = file('b.wav', 1, { duplicate: copyOf('gone.wav') });
    const groups = copyGroups([orphan], qualityOf);
    expect(groups.map((g) => [g.id, g.members.map((f) => f.path)])).toEqual([['b.wav', ['b.wav']]]);
  });
});

describe('what a resolved group keeps and sends', () => {
  const first = file('Kick.wav', 0, { duplicate: inLibrary('asset-1') });
  const better = file('Kick 24.wav', 1, {
    duplicate: copyOf('Kick.wav'),
    quality: quality('wav', 24),
  });
  const resolved = (resolution: File['resolution']) =>
    copyGroups([{ ...first, resolution }, better], qualityOf)[0]!;

  it('skip: nothing is kept when the library holds the sound, every member sent as skip', () => {
    const group = resolved('skip');
    expect(group.members.map((f) => isKept(group, f))).toEqual([false, false]);
    expect([...plannedEntries(group).values()]).toEqual(['skip', 'skip']);
  });

  it('replace: only the best copy is kept and replaces the library’s', () => {
    const group = resolved('replace');
    expect(group.members.map((f) => isKept(group, f))).toEqual([false, true]);
    expect(Object.fromEntries(plannedEntries(group))).toEqual({
      'Kick.wav': 'skip',
      'Kick 24.wav': 'replace',
    });
  });

  it('keep-both: every member is kept', () => {
    const group = resolved('keep-both');
    expect(group.members.map((f) => isKept(group, f))).toEqual([true, true]);
    expect([...plannedEntries(group).values()]).toEqual(['keep-both', 'keep-both']);
  });
});

describe('groupedManifestOrder', () => {
  it('sends in discovery order, each sound’s kept copy first in the place of its first file', () => {
    const kick = file('Kick.wav', 0);
    const snare = file('Snare.wav', 1);
    const kick24 = file('Kick 24.wav', 2, {
      duplicate: copyOf('Kick.wav'),
      quality: quality('wav', 24),
    });
    const files = [kick, snare, kick24];
    const order = groupedManifestOrder([snare, kick24, kick], files, qualityOf);
    expect(order.map((p) => p.file.path)).toEqual(['Kick 24.wav', 'Kick.wav', 'Snare.wav']);
    expect(order.map((p) => p.onDuplicate)).toEqual(['skip', 'skip', null]);
  });
});
