/** How often something may happen per key: a sustained rate, and how many may come at once. */
export interface RateLimitSettings {
  /** Tokens added back per minute: the sustained rate. */
  perMinute: number;
  /** The bucket's size: how many may happen at once after a quiet spell. */
  burst: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

/** Most keys a limiter tracks; past it the least recently seen key is forgotten. */
export const DEFAULT_MAX_KEYS = 10_000;

/**
 * In-memory token buckets, one per key (a user id, a client address). A key that is not tracked
 * has a full bucket, so only keys that spent tokens are kept, and at most `maxKeys` of them (the
 * least recently seen is forgotten first): memory stays bounded whatever the keys.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly settings: RateLimitSettings,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes one token for `key` when it has one.
   * @returns 0 when taken, else the whole seconds until the key has a token again (nothing taken).
   */
  take(key: string): number {
    const bucket = this.current(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.keep(key, bucket);
      return 0;
    }
    return this.secondsUntilToken(bucket);
  }

  /** Spends one token for `key` after the fact (a failure that happened); never below 0. */
  spend(key: string): void {
    const bucket = this.current(key);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.keep(key, bucket);
  }

  /** The whole seconds until `key` has a token again; 0 when it has one now. Takes nothing. */
  waitOf(key: string): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const refilled = this.refill(bucket);
    return refilled.tokens >= 1 ? 0 : this.secondsUntilToken(refilled);
  }

  /** How many keys are tracked now (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private refill(bucket: Bucket): Bucket {
    const now = this.now();
    const added = ((now - bucket.at) * this.settings.perMinute) / 60_000;
    return { tokens: Math.min(this.settings.burst, bucket.tokens + added), at: now };
  }

  private current(key: string): Bucket {
    const bucket = this.buckets.get(key);
    return bucket ? this.refill(bucket) : { tokens: this.settings.burst, at: this.now() };
  }

  private secondsUntilToken(bucket: Bucket): number {
    const ms = ((1 - bucket.tokens) * 60_000) / this.settings.perMinute;
    return Math.max(1, Math.ceil(ms / 1000));
  }

  /** Stores the bucket as the key's most recent; a full bucket is the same as none. */
  private keep(key: string, bucket: Bucket): void {
    this.buckets.delete(key);
    if (bucket.tokens >= this.settings.burst) return;
    this.buckets.set(key, bucket);
    while (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }
  }
}

/** "60 a minute, 20 at once": a rate limit as a message says it. */
export function describeRate(settings: RateLimitSettings): string {
  return `${settings.perMinute} a minute, ${settings.burst} at once`;
}
