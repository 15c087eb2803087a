/**
 * A closed-loop load generator for `npm run bench:server`: N clients, each sending its next
 * request as soon as the previous answer is read, over Node's fetch (undici, keep-alive).
 */

export interface LoadResult {
  concurrency: number;
  /** Requests answered with the expected status in the measured window. */
  requests: number;
  /** Requests that failed (another status, a network error); not in `latenciesMs`. */
  failures: number;
  /** A few failure messages, for the report. */
  failureSamples: string[];
  /** From the first request of the measured window until the last answer came in. */
  seconds: number;
  /** Latencies of the successful requests in ms, ascending. */
  latenciesMs: Float64Array;
}

/** An answer other than `expected`, with the start of its body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

/** Sends one request and reads the whole answer; throws HttpError on another status. */
export async function request(
  url: string,
  init: RequestInit,
  expected = 200,
): Promise<{ status: number; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status !== expected) {
    throw new HttpError(res.status, text, `${init.method ?? 'GET'} ${new URL(url).pathname}`);
  }
  return { status: res.status, text };
}

/**
 * Runs `concurrency` clients for `seconds`: each client calls `send(client, n)` (n counts the
 * requests of the window from 0) again and again; once the time is up no client starts another
 * request, and the window ends when the last answer is in. With `warmup`, each client first
 * sends one request that is not measured (connections open, code paths warm).
 */
export async function closedLoop(options: {
  concurrency: number;
  seconds: number;
  warmup: boolean;
  send: (client: number, n: number) => Promise<void>;
}): Promise<LoadResult> {
  const { concurrency, send } = options;
  if (options.warmup) {
    await Promise.all(
      Array.from({ length: concurrency }, (_, client) => send(client, client).catch(() => {})),
    );
  }
  const latencies: number[] = [];
  const failureSamples: string[] = [];
  let failures = 0;
  let started = 0;
  const begin = performance.now();
  const deadline = begin + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      while (performance.now() < deadline) {
        const n = started++;
        const t0 = performance.now();
        try {
          await send(client, n);
          latencies.push(performance.now() - t0);
        } catch (error) {
          failures++;
          if (failureSamples.length < 3) failureSamples.push((error as Error).message);
        }
      }
    }),
  );
  return {
    concurrency,
    requests: latencies.length,
    failures,
    failureSamples,
    seconds: (performance.now() - begin) / 1000,
    latenciesMs: Float64Array.from(latencies).sort(),
  };
}
