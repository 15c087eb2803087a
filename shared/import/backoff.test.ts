import { describe, expect, it } from 'vitest';
import { abortableWait, RETRY_DELAYS_MS, withRetries } from './backoff.js';

class Refused extends Error {}

/** A call that fails `failures` times (transiently) and then answers. */
function flaky(failures: number) {
  let calls = 0;
  return {
    call: () => (++calls <= failures ? Promise.reject(new Error('down')) : Promise.resolve(calls)),
    calls: () => calls,
  };
}

const transient = (error: unknown) =>
  error instanceof Refused ? null : error instanceof Error ? error.message : String(error);

describe('withRetries', () => {
  it('waits the schedule between transient failures, then answers', async () => {
    const waits: number[] = [];
    const retried: string[] = [];
    const { call } = flaky(3);
    const answer = await withRetries(call, {
      transient,
      wait: (ms) => Promise.resolve(void waits.push(ms)),
      onRetry: (failure, ms) => retried.push(`${failure} ${ms}`),
    });
    expect(answer).toBe(4);
    expect(waits).toEqual(RETRY_DELAYS_MS.slice(0, 3));
    expect(retried).toEqual(['down 500', 'down 1000', 'down 2000']);
  });

  it('throws a refusal at once', async () => {
    let calls = 0;
    const call = () => {
      calls++;
      return Promise.reject(new Refused('413'));
    };
    await expect(withRetries(call, { transient, wait: () => Promise.resolve() })).rejects.toThrow(
      '413',
    );
    expect(calls).toBe(1);
  });

  it('gives up once the schedule is spent, with the error giveUp makes', async () => {
    const { call, calls } = flaky(100);
    await expect(
      withRetries(call, {
        transient,
        delaysMs: [1, 2],
        wait: () => Promise.resolve(),
        giveUp: (failure) => new Error(`not answering (${failure})`),
      }),
    ).rejects.toThrow('not answering (down)');
    expect(calls()).toBe(3);
  });

  it('forever: keeps trying at the last delay', async () => {
    const waits: number[] = [];
    const { call } = flaky(6);
    await withRetries(call, {
      transient,
      delaysMs: [1, 2],
      forever: true,
      wait: (ms) => Promise.resolve(void waits.push(ms)),
    });
    expect(waits).toEqual([1, 2, 2, 2, 2, 2]);
  });
});

describe('abortableWait', () => {
  it('waits its time when nothing aborts it', async () => {
    const started = performance.now();
    await abortableWait(30, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('ends at once once aborted, during the wait or before it', async () => {
    const stop = new AbortController();
    const started = performance.now();
    const waiting = abortableWait(60_000, stop.signal);
    setTimeout(() => stop.abort(), 10);
    await waiting;
    await abortableWait(60_000, stop.signal);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
