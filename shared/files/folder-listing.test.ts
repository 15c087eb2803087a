import { describe, expect, it } from 'vitest';
import {
  diffListings,
  hasNothingToImport,
  isSettled,
  planScan,
  type ListedFile,
} from './folder-listing.js';

const file = (path: string, sizeBytes = 100, lastModified = 1_000): ListedFile => ({
  path,
  sizeBytes,
  lastModified,
});

describe('diffListings', () => {
  it('finds nothing between a listing and itself', () => {
    const listing = [file('Pack/a.wav'), file('Pack/b.wav')];
    const diff = diffListings(listing, listing);
    expect(diff).toEqual({ added: [], changed: [], gone: [] });
    expect(hasNothingToImport(diff)).toBe(true);
  });

  it('tells new, changed (by size or by date) and gone files apart', () => {
    const before = [file('Pack/a.wav'), file('Pack/b.wav'), file('Pack/c.wav'), file('Pack/d.wav')];
    const after = [
      file('Pack/a.wav'),
      file('Pack/b.wav', 200),
      file('Pack/c.wav', 100, 2_000),
      file('Pack/new/e.wav'),
    ];
    const diff = diffListings(before, after);
    expect(diff.added.map((f) => f.path)).toEqual(['Pack/new/e.wav']);
    expect(diff.changed.map((f) => f.path)).toEqual(['Pack/b.wav', 'Pack/c.wav']);
    expect(diff.gone).toEqual(['Pack/d.wav']);
    expect(hasNothingToImport(diff)).toBe(false);
  });

  it('counts every file of a first scan as new', () => {
    const after = [file('Pack/a.wav'), file('Pack/b.wav')];
    expect(diffListings([], after).added).toEqual(after);
  });

  it('imports nothing for files that only went away', () => {
    const diff = diffListings([file('Pack/a.wav')], []);
    expect(diff.gone).toEqual(['Pack/a.wav']);
    expect(hasNothingToImport(diff)).toBe(true);
  });

  it('matches paths exactly (case and folders)', () => {
    const diff = diffListings([file('Pack/A.wav')], [file('Pack/a.wav'), file('Pack/x/A.wav')]);
    expect(diff.added.map((f) => f.path)).toEqual(['Pack/a.wav', 'Pack/x/A.wav']);
    expect(diff.gone).toEqual(['Pack/A.wav']);
  });
});

describe('isSettled', () => {
  it('holds when the previous scan saw the same sizes and dates', () => {
    expect(isSettled([file('Pack/a.wav', 5)], [file('Pack/a.wav', 5), file('Pack/b.wav')])).toBe(
      true,
    );
  });

  it('does not hold for a file still growing, or one the previous scan did not see', () => {
    expect(isSettled([file('Pack/a.wav', 50)], [file('Pack/a.wav', 5)])).toBe(false);
    expect(isSettled([file('Pack/a.wav', 5, 2)], [file('Pack/a.wav', 5, 1)])).toBe(false);
    expect(isSettled([file('Pack/b.wav')], [file('Pack/a.wav')])).toBe(false);
  });
});

describe('planScan', () => {
  const known = { listing: [file('Pack/a.wav'), file('Pack/b.wav')], gone: ['Pack/old.wav'] };

  it('imports nothing and keeps the listing when nothing moved', () => {
    const plan = planScan(known, known.listing, null);
    expect(plan).toEqual({ ...known, batch: [], unsettled: false });
  });

  it('holds new files back until the previous scan agrees on them, then takes them all', () => {
    const now = [...known.listing, file('Pack/c.wav'), file('Pack/d.wav', 7)];
    const first = planScan(known, now, null);
    expect(first.unsettled).toBe(true);
    expect(first.batch).toEqual([]);
    // Not known yet, so that the next scan finds them again.
    expect(first.listing).toEqual(known.listing);
    const second = planScan(first, now, now);
    expect(second.unsettled).toBe(false);
    expect(second.batch.map((f) => f.path)).toEqual(['Pack/c.wav', 'Pack/d.wav']);
    expect(second.listing).toEqual(now);
  });

  it('notes files gone at once, even while others settle, and forgets them once back', () => {
    const now = [file('Pack/a.wav'), file('Pack/c.wav')];
    const plan = planScan(known, now, null);
    expect(plan.gone).toEqual(['Pack/old.wav', 'Pack/b.wav']);
    expect(plan.listing).toEqual([file('Pack/a.wav')]);
    const back = planScan(plan, [...now, file('Pack/old.wav')], [...now, file('Pack/old.wav')]);
    expect(back.gone).toEqual(['Pack/b.wav']);
    expect(back.batch.map((f) => f.path)).toEqual(['Pack/c.wav', 'Pack/old.wav']);
  });
});
