import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('lets a burst through, then one per refill, and says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 60, burst: 3 }, 100, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
    now += 1000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
  });

  it('blocks a key whose failures used its bucket up, until a token is back', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 20, burst: 2 }, 100, () => now);
    limiter.spend('x');
    expect(limiter.waitOf('x')).toBe(0);
    limiter.spend('x');
    limiter.spend('x'); // never below empty
    expect(limiter.waitOf('x')).toBe(3);
    now += 3000;
    expect(limiter.waitOf('x')).toBe(0);
  });

  it('tracks at most maxKeys keys, forgetting the least recently seen, and none that are full', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 1, burst: 1 }, 3, () => now);
    for (const key of ['a', 'b', 'c', 'd']) limiter.take(key);
    expect(limiter.size).toBe(3);
    expect(limiter.take('a')).toBe(0); // forgotten: a full bucket again
    expect(limiter.take('d')).toBeGreaterThan(0);
    now += 120_000;
    limiter.take('d');
    limiter.take('d');
    expect(limiter.size).toBeLessThanOrEqual(3);
  });
});
