import { describe, expect, it } from 'vitest';
import { WatchPlan, type FileLook, type ListedFile, type WatchTiming } from './watch-plan.js';

const TIMING: WatchTiming = {
  debounceMs: 1000,
  maxWaitMs: 10_000,
  settleMs: 1000,
  pollMs: 60_000,
  maxBatch: 3,
  retryDelaysMs: [500, 2000],
};

const look = (size: number, mtimeMs = 1): FileLook => ({ size, mtimeMs });
const files = (entries: Record<string, FileLook>) => new Map(Object.entries(entries));
const NONE = new Set<string>();

/** A plan that imported `a.wav` at t=0. */
function planWithA(timing = TIMING) {
  const plan = new WatchPlan(timing, 0);
  plan.imported([['a.wav', look(10)]]);
  return plan;
}

describe('WatchPlan: when to scan', () => {
  it('waits for a quiet second after the last event, however many events came', () => {
    const plan = planWithA();
    for (let t = 100; t <= 900; t += 100) plan.event(t);
    expect(plan.nextScanAt()).toBe(1900);
  });

  it('scans within maxWaitMs of the first event under a steady stream of events', () => {
    const plan = planWithA();
    for (let t = 100; t <= 20_000; t += 500) plan.event(t);
    expect(plan.nextScanAt()).toBe(10_100);
  });

  it('without events, scans every pollMs; an event seen after a scan began is kept for the next', () => {
    const plan = planWithA();
    expect(plan.nextScanAt()).toBe(60_000);
    plan.event(5000);
    plan.scanned(files({ 'a.wav': look(10) }), NONE, 5500, 10);
    expect(plan.nextScanAt()).toBe(65_500);
    plan.event(70_000);
    plan.scanned(files({ 'a.wav': look(10) }), NONE, 69_900, 10);
    expect(plan.nextScanAt()).toBe(71_000);
  });

  it('scans at once when asked (a watch starting, a page shown), pacing still applying', () => {
    const plan = planWithA();
    plan.scanSoon(500);
    expect(plan.nextScanAt()).toBe(500);
    plan.scanned(files({ 'a.wav': look(10) }), NONE, 500, 1000);
    expect(plan.nextScanAt()).toBe(60_500);
    plan.scanSoon(600);
    expect(plan.nextScanAt()).toBe(3500);
  });

  it('never scans more often than every three scan durations', () => {
    const plan = planWithA();
    plan.scanned(files({ 'a.wav': look(10) }), NONE, 0, 2000);
    plan.event(2100);
    expect(plan.nextScanAt()).toBe(6000);
  });
});

describe('WatchPlan: what a scan found', () => {
  it('a new file is ready once two looks settleMs apart agree, not before', () => {
    const plan = planWithA();
    plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(5, 7) }), NONE, 1000, 10);
    expect(plan.takeBatch(1010)).toBeNull();
    expect(plan.pending).toBe(1);
    // Looked at again: it grew (still being written): it waits on.
    plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(9, 8) }), NONE, 2000, 10);
    expect(plan.takeBatch(2010)).toBeNull();
    // Same size and time, but too soon after the look that first saw them.
    plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(9, 8) }), NONE, 2500, 10);
    expect(plan.takeBatch(2510)).toBeNull();
    plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(9, 8) }), NONE, 3000, 10);
    expect(plan.takeBatch(3010)).toEqual({ rels: ['b.wav'], added: ['b.wav'] });
  });

  it('a changed file (size or time) is taken again, as changed; an unchanged one never', () => {
    const plan = planWithA();
    plan.scanned(files({ 'a.wav': look(10, 2) }), NONE, 1000, 10);
    plan.scanned(files({ 'a.wav': look(10, 2) }), NONE, 2000, 10);
    const batch = plan.takeBatch(2000);
    expect(batch).toEqual({ rels: ['a.wav'], added: [] });
    plan.delivered(batch!);
    plan.scanned(files({ 'a.wav': look(10, 2) }), NONE, 3000, 10);
    plan.scanned(files({ 'a.wav': look(10, 2) }), NONE, 4000, 10);
    expect(plan.takeBatch(4000)).toBeNull();
    expect(plan.pending).toBe(0);
  });

  it('tells a change by size as by time, and matches paths exactly (case and folders)', () => {
    const plan = planWithA();
    plan.imported([['A.wav', look(3)]]);
    const now = files({ 'a.wav': look(11), 'a.WAV': look(3), 'x/A.wav': look(3) });
    expect(plan.scanned(now, NONE, 1000, 1).deleted).toEqual(['A.wav']);
    plan.scanned(now, NONE, 2000, 1);
    expect(plan.takeBatch(2000)).toEqual({
      rels: ['a.wav', 'a.WAV', 'x/A.wav'],
      added: ['a.WAV', 'x/A.wav'],
    });
  });

  it('reports a deleted file once, and not a file an exclusion now leaves out', () => {
    const plan = planWithA();
    plan.imported([['c.wav', look(3)]]);
    const report = plan.scanned(files({}), new Set(['c.wav']), 1000, 10);
    expect(report.deleted).toEqual(['a.wav']);
    expect(plan.scanned(files({}), NONE, 2000, 10).deleted).toEqual([]);
    expect(plan.known).toBe(0);
  });

  it('a file that settled and changed again waits again; one that vanished is forgotten', () => {
    const plan = planWithA();
    plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(5), 'c.wav': look(1) }), NONE, 1000, 1);
    plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(5), 'c.wav': look(1) }), NONE, 2000, 1);
    plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(6) }), NONE, 3000, 1);
    expect(plan.takeBatch(3000)).toBeNull();
    expect(plan.pending).toBe(1);
  });
});

describe('WatchPlan: kept as a listing (the wizard reopened)', () => {
  const listed = (path: string, sizeBytes: number, lastModified = 1): ListedFile => ({
    path,
    sizeBytes,
    lastModified,
  });

  it('gives back the files it imported, and takes them back as imported', () => {
    const plan = WatchPlan.fromListing(TIMING, 0, [listed('Pack/a.wav', 10)]);
    plan.scanned(files({ 'Pack/a.wav': look(10), 'Pack/b.wav': look(5) }), NONE, 1000, 1);
    // Still settling: not kept, so that a reopened page finds it again.
    expect(plan.listing()).toEqual([listed('Pack/a.wav', 10)]);
    plan.scanned(files({ 'Pack/a.wav': look(10), 'Pack/b.wav': look(5) }), NONE, 2000, 1);
    plan.delivered(plan.takeBatch(2000)!);
    const kept = plan.listing();
    expect(kept).toEqual([listed('Pack/a.wav', 10), listed('Pack/b.wav', 5)]);
    const reopened = WatchPlan.fromListing(TIMING, 3000, kept);
    reopened.scanned(files({ 'Pack/a.wav': look(10), 'Pack/b.wav': look(5) }), NONE, 3000, 1);
    expect(reopened.pending).toBe(0);
    expect(reopened.known).toBe(2);
  });

  it('counts every file of a first scan as new when nothing was imported', () => {
    const plan = WatchPlan.fromListing(TIMING, 0, []);
    plan.scanned(files({ 'a.wav': look(1), 'b.wav': look(2) }), NONE, 0, 1);
    plan.scanned(files({ 'a.wav': look(1), 'b.wav': look(2) }), NONE, 1000, 1);
    expect(plan.takeBatch(1000)).toEqual({ rels: ['a.wav', 'b.wav'], added: ['a.wav', 'b.wav'] });
  });

  it('a deleted file that comes back is new again', () => {
    const plan = planWithA();
    expect(plan.scanned(files({}), NONE, 1000, 1).deleted).toEqual(['a.wav']);
    plan.scanned(files({ 'a.wav': look(10) }), NONE, 2000, 1);
    plan.scanned(files({ 'a.wav': look(10) }), NONE, 3000, 1);
    expect(plan.takeBatch(3000)).toEqual({ rels: ['a.wav'], added: ['a.wav'] });
  });
});

describe('WatchPlan: batches', () => {
  it('settled files wait for the rest of their burst, at most maxWaitMs', () => {
    const plan = planWithA();
    plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(5) }), NONE, 1000, 1);
    // b.wav settles as c.wav appears: b waits for c, so that the burst is one batch.
    const both = files({ 'a.wav': look(10), 'b.wav': look(5), 'c.wav': look(1) });
    plan.scanned(both, NONE, 2000, 1);
    expect(plan.takeBatch(2000)).toBeNull();
    expect(plan.nextBatchAt()).toBe(12_000);
    plan.scanned(both, NONE, 3000, 1);
    expect(plan.takeBatch(3000)?.rels).toEqual(['b.wav', 'c.wav']);
  });

  it('a burst still being written goes in part once its first files waited maxWaitMs', () => {
    const plan = planWithA();
    plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(5) }), NONE, 1000, 1);
    plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(5), 'c.wav': look(1) }), NONE, 2000, 1);
    for (let t = 3000, size = 2; t <= 12_000; t += 1000, size++)
      plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(5), 'c.wav': look(size) }), NONE, t, 1);
    expect(plan.takeBatch(11_999)).toBeNull();
    expect(plan.takeBatch(12_000)).toEqual({ rels: ['b.wav'], added: ['b.wav'] });
  });

  it('a full batch goes at once, however many files still settle', () => {
    const plan = planWithA();
    const first = files({ '1.wav': look(1), '2.wav': look(2), '3.wav': look(3) });
    plan.scanned(first, NONE, 1000, 1);
    plan.scanned(new Map([...first, ['4.wav', look(4)]]), NONE, 2000, 1);
    expect(plan.takeBatch(2000)?.rels).toEqual(['1.wav', '2.wav', '3.wav']);
  });

  it('a burst is taken as batches of at most maxBatch files, oldest first', () => {
    const plan = planWithA();
    const burst = files({
      'a.wav': look(10),
      ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((n) => [`${n}.wav`, look(n)])),
    });
    plan.scanned(burst, NONE, 1000, 10);
    plan.scanned(burst, NONE, 2000, 10);
    const seen: string[][] = [];
    for (let batch = plan.takeBatch(2000); batch; batch = plan.takeBatch(2000)) {
      seen.push(batch.rels);
      plan.delivered(batch);
    }
    expect(seen).toEqual([['1.wav', '2.wav', '3.wav'], ['4.wav', '5.wav', '6.wav'], ['7.wav']]);
    expect(plan.pending).toBe(0);
    expect(plan.known).toBe(8);
  });

  it('a batch the server did not take stays ready and is tried again after the backoff', () => {
    const plan = planWithA();
    plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(5) }), NONE, 1000, 10);
    plan.scanned(files({ 'a.wav': look(10), 'b.wav': look(5) }), NONE, 2000, 10);
    expect(plan.takeBatch(2000)?.rels).toEqual(['b.wav']);
    expect(plan.failed(5000)).toBe(500);
    expect(plan.nextBatchAt()).toBe(5500);
    expect(plan.takeBatch(5400)).toBeNull();
    expect(plan.takeBatch(5500)?.rels).toEqual(['b.wav']);
    expect(plan.failed(9000)).toBe(2000);
    expect(plan.failed(20_000)).toBe(2000); // the last delay, for as long as it takes
    const batch = plan.takeBatch(22_000)!;
    plan.delivered(batch);
    expect(plan.pending).toBe(0);
    expect(plan.nextBatchAt()).toBe(Infinity);
  });
});

describe('WatchPlan: scans that fail, and polling', () => {
  it('a scan that could not be used decides nothing: no deletion, the next one a poll away', () => {
    const plan = planWithA();
    plan.event(100);
    plan.scanFailed(1100, 10);
    expect(plan.known).toBe(1);
    expect(plan.nextScanAt()).toBe(61_100);
    plan.pollEvery(5000);
    expect(plan.nextScanAt()).toBe(6100);
  });
});
