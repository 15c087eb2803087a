import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  TRPCClientError,
  wsLink,
} from '@trpc/client';
import type { AppRouter } from '../../../server/src/index.js';

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/trpc`;

/** The WebSocket of live events; it reconnects by itself after a lost connection. */
const wsClient = createWSClient({
  url: wsUrl,
  lazy: { enabled: true, closeMs: 10_000 },
  retryDelayMs: (attempt) => Math.min(500 * 2 ** attempt, 8_000),
});

/**
 * The server's tRPC API, signed in by the session cookie that the sign-in link set: queries and
 * mutations over HTTP (batched), subscriptions over the WebSocket.
 */
export const api = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: wsLink({ client: wsClient }),
      false: httpBatchLink({ url: '/trpc', maxItems: 4 }),
    }),
  ],
});

/** How a failed call went: the user is not signed in, the server is unreachable, or it said why. */
export function describeApiError(error: unknown): {
  kind: 'unauthorized' | 'network' | 'server';
  message: string;
} {
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data;
    if (data?.code === 'UNAUTHORIZED') {
      return { kind: 'unauthorized', message: 'You are signed out: open the sign-in link again.' };
    }
    if (!data) {
      return { kind: 'network', message: 'The server cannot be reached. Waiting for it…' };
    }
    if (data.httpStatus >= 500) {
      return {
        kind: 'network',
        message: `The server had a problem (${error.message}). Trying again…`,
      };
    }
    return { kind: 'server', message: error.message };
  }
  return { kind: 'network', message: error instanceof Error ? error.message : String(error) };
}
