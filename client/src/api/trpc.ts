import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
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
