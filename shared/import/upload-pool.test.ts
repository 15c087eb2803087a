import { describe, expect, it } from 'vitest';
import { fakeUpload, type FakeUpload } from '../../testing/fake-upload.js';
import type { UploadResult } from '../uploads/tus-upload.js';
import { UploadPool, type UploadPorts } from './upload-pool.js';

// The pool against fake uploads whose ends the test releases: what runs, in what order, and
// what a hold, a stop, a lost network or a refused token do to it.

const DONE: UploadResult = { ok: true, state: 'done', reason: null, status: null };
const LOST: UploadResult = { ok: false, state: null, reason: 'network', status: null };
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function fakePool(
  limit: number,
  ended: (key: string, result: UploadResult) => ReturnType<UploadPorts['ended']> = () => 'ended',
  start: (key: string) => boolean | Promise<boolean> = () => true,
) {
  const started: FakeUpload[] = [];
  const events: string[] = [];
  const pool = new UploadPool(
    {
      async start(key) {
        return (await start(key)) ? fakeUpload(started, key) : null;
      },
      ended(key, result) {
        events.push(`${key}:${result.ok ? result.state : result.reason}`);
        return ended(key, result);
      },
      stopped: (key) => events.push(`${key}:stopped`),
    },
    limit,
  );
  const running = () => started.filter((u) => !u.aborted).map((u) => u.key);
  return { pool, started, events, running };
}

describe('UploadPool', () => {
  it('runs at most its limit at once, in the order added, and drains when all have ended', async () => {
    const { pool, started, running, events } = fakePool(2);
    for (const key of ['a', 'b', 'c', 'd']) pool.add(key);
    pool.add('a'); // already in line: not added twice
    await tick();
    expect(running()).toEqual(['a', 'b']);
    let drained = false;
    const drain = pool.drain().then(() => (drained = true));
    started[1]!.finish(DONE);
    await tick();
    expect(started.map((u) => u.key)).toEqual(['a', 'b', 'c']);
    for (const upload of [started[0]!, started[2]!]) upload.finish(DONE);
    await tick();
    expect(drained).toBe(false);
    started[3]!.finish(DONE);
    await drain;
    expect(events).toEqual(['b:done', 'a:done', 'c:done', 'd:done']);
  });

  it('held: stops what runs, starts nothing, and resumes the same files first once released', async () => {
    const { pool, started, running, events } = fakePool(2);
    for (const key of ['a', 'b', 'c']) pool.add(key);
    await tick();
    pool.hold('paused');
    expect(started.every((u) => u.aborted)).toBe(true);
    for (const upload of started) upload.stopped();
    await tick();
    expect(events).toEqual(['a:stopped', 'b:stopped']);
    let drained = false;
    void pool.drain().then(() => (drained = true));
    await tick();
    expect(drained, 'a held pool with files in line does not drain').toBe(false);
    expect(pool.active).toBe(0);

    pool.hold('offline');
    pool.release('paused');
    await tick();
    expect(started).toHaveLength(2); // still held: offline
    pool.release('offline');
    await tick();
    expect(running().sort()).toEqual(['a', 'b']);
    expect(started).toHaveLength(4);
  });

  it('starts nothing while a stopped upload is still stopping (its creation may be in flight)', async () => {
    const { pool, started } = fakePool(1);
    pool.add('a');
    await tick();
    pool.hold('paused');
    pool.release('paused');
    await tick();
    expect(started).toHaveLength(1);
    started[0]!.stopped();
    await tick();
    expect(started.map((u) => u.key)).toEqual(['a', 'a']);
  });

  it('a hold during a start aborts the upload as soon as it is made', async () => {
    let letStart!: () => void;
    const gate = new Promise<boolean>((resolve) => (letStart = () => resolve(true)));
    const { pool, started } = fakePool(1, undefined, () => gate);
    pool.add('a');
    await tick();
    pool.hold('paused');
    letStart();
    await tick();
    expect(started).toHaveLength(1);
    expect(started[0]!.aborted).toBe(true);
  });

  it("'again' puts the file back at the head of the line", async () => {
    let lost = true;
    const { pool, started } = fakePool(1, (_key, result) => {
      if (!result.ok && lost) {
        lost = false;
        return 'again';
      }
      return 'ended';
    });
    pool.add('a');
    pool.add('b');
    await tick();
    started[0]!.finish(LOST);
    await tick();
    expect(started.map((u) => u.key)).toEqual(['a', 'a']);
  });

  it('an Error from ended stops every upload and is thrown by drain', async () => {
    const refused = new Error('the server refused the token');
    const { pool, started } = fakePool(2, (key) => (key === 'a' ? refused : 'ended'));
    for (const key of ['a', 'b', 'c']) pool.add(key);
    await tick();
    const drain = pool.drain();
    started[0]!.finish({ ok: false, state: null, reason: 'token', status: 401 });
    await tick();
    expect(started[1]!.aborted).toBe(true);
    started[1]!.stopped();
    await expect(drain).rejects.toBe(refused);
    expect(started).toHaveLength(2); // c never started
  });

  it('a file that cannot start now is left out, and the rest go on', async () => {
    const { pool, started } = fakePool(2, undefined, (key) => key !== 'b');
    for (const key of ['a', 'b', 'c']) pool.add(key);
    await tick();
    expect(started.map((u) => u.key)).toEqual(['a', 'c']);
    for (const upload of started) upload.finish(DONE);
    await pool.drain();
  });

  it('stop: nothing waits any more, and drain resolves once what ran has stopped', async () => {
    const { pool, started } = fakePool(1);
    pool.add('a');
    pool.add('b');
    await tick();
    pool.stop();
    pool.add('c');
    let drained = false;
    const drain = pool.drain().then(() => (drained = true));
    await tick();
    expect(drained).toBe(false);
    started[0]!.stopped();
    await drain;
    expect(started).toHaveLength(1);
  });
});
