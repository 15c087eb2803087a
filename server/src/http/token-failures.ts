import { tooManyRequests, type AppError } from '../errors.js';
import { describeRate, RateLimiter, type RateLimitSettings } from './rate-limit.js';

/**
 * Requests answered 401 (no token, a wrong or a revoked one), counted per client address: an
 * address past its rate gets 429 for every request that would check a token, until its bucket
 * has a token again. Guessing tokens is hopeless anyway (256 random bits); this keeps a client
 * stuck on a bad token, or a scanner, from costing a database lookup per request.
 */
export class TokenFailures {
  private readonly limiter: RateLimiter;

  constructor(readonly settings: RateLimitSettings) {
    this.limiter = new RateLimiter(settings);
  }

  /** The 429 for a request from `address` while it may not try; null when it may. */
  refusal(address: string): AppError | null {
    const wait = this.limiter.waitOf(address);
    if (wait === 0) return null;
    return tooManyRequests(
      `too many requests from your address had a missing or wrong token (the limit is ${describeRate(this.settings)}): ` +
        `try again in ${wait} s with a valid token (sm-server user token NAME prints a new one)`,
      wait,
    );
  }

  /** Counts one request from `address` that was answered 401. */
  failed(address: string): void {
    this.limiter.spend(address);
  }
}
