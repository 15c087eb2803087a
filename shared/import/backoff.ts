/**
 * Waits between tries of a call the server did not answer, or answered with 5xx (ms): about a
 * minute in all before a terminal gives up; a page waits on at the last delay.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  500, 1000, 2000, 4000, 8000, 15000, 15000, 15000,
];

export interface RetryOptions {
  /** Why the call failed, when trying again may help (network, 5xx); null when it may not (4xx). */
  transient(error: unknown): string | null;
  /** Told before each wait. */
  onRetry?(failure: string, delayMs: number): void;
  delaysMs?: readonly number[];
  /** Keeps trying at the last delay instead of giving up (a page the user can leave). */
  forever?: boolean;
  /** The error thrown once every delay is spent (default: the last error). */
  giveUp?(failure: string, error: unknown): Error;
  /** How to wait (default: a timer); a page also ends the wait when the browser is back online. */
  wait?(ms: number): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A wait between tries that a stopped run cuts short: it ends after `ms`, or at once when
 * `signal` is aborted (before or during it), so that the tries left are made without waiting
 * out the schedule.
 */
export function abortableWait(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `call` until it answers or fails for good: a transient failure is tried again after
 * the next delay of the schedule, any other is thrown at once.
 */
export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const delays = options.delaysMs ?? RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = options.transient(error);
      if (failure === null) throw error;
      const delay = delays[attempt] ?? (options.forever ? delays.at(-1) : undefined);
      if (delay === undefined) throw options.giveUp ? options.giveUp(failure, error) : error;
      options.onRetry?.(failure, delay);
      await (options.wait ?? sleep)(delay);
    }
  }
}
