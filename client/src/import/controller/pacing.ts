import { callsThrough, withRetries, type ImportApi } from '../../../../shared/import/index.js';
import { describeApiError } from '../../api/api-errors.js';
import type { ImportStore } from './import-store.js';

/** Lets the page paint and handle input between slices of long work. */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A function to await between the items of a long loop on the page: it yields (so the page
 * paints and answers input) whenever the loop has run for `budgetMs` since the last yield.
 */
export function pacer(budgetMs = 8): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < budgetMs) return;
    await yieldToPage();
    since = performance.now();
  };
}

/** Resolves once the browser is online again (at once when it is). */
export function whenOnline(): Promise<void> {
  if (navigator.onLine) return Promise.resolve();
  return new Promise((resolve) =>
    window.addEventListener('online', () => resolve(), { once: true }),
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a server call until it answers: while the network or the server is down it shows why
 * (the store's notice), waits on the shared schedule (or until the browser is back online) and
 * tries again, for as long as the page is open, so nothing is lost. A refusal (4xx) is shown
 * and thrown.
 */
export async function retrying<T>(store: ImportStore, call: () => Promise<T>): Promise<T> {
  try {
    const result = await withRetries(
      async () => {
        await whenOnline();
        return call();
      },
      {
        transient: (error) => {
          const { kind, message } = describeApiError(error);
          return kind === 'network' ? message : null;
        },
        forever: true,
        onRetry: (message) => store.setNotice(message),
        wait: (ms) => Promise.race([sleep(ms), whenOnlineAfterOffline()]),
      },
    );
    store.setNotice(null);
    return result;
  } catch (error) {
    store.setNotice(describeApiError(error).message);
    throw error;
  }
}

function whenOnlineAfterOffline(): Promise<void> {
  return navigator.onLine ? new Promise(() => undefined) : whenOnline();
}

/**
 * The server with every call made through `retrying`: the wizard's API port, so that no call
 * of an import is lost to a network that comes and goes.
 */
export function retryingApi(api: ImportApi, store: ImportStore): ImportApi {
  return callsThrough(api, (call) => retrying(store, call));
}
