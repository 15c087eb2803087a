import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TRPCError } from '@trpc/server';
import type { AuthService } from '../auth/auth.service.js';
import type { ServerConfig } from '../config.js';
import type { AppError } from '../errors.js';
import { SubscriptionBudget, UserConnections } from '../trpc/live-limits.js';
import { toTrpcError, type TrpcContext } from '../trpc/trpc.js';
import { clientAddress } from './client-address.js';
import { clientWentAway } from './io-failures.js';
import { closedAsIdle, closeIdleConnections, serverTimeouts } from './timeouts.js';
import { TokenFailures } from './token-failures.js';
import { boundedTrpcHttp } from './trpc-bounds.js';

/** Requests that check a token: the API, tRPC, and a sign-in link (`/?token=…`). */
function checksToken(url: URL): boolean {
  return (
    url.pathname.startsWith('/api/') ||
    url.pathname === '/trpc' ||
    url.pathname.startsWith('/trpc/') ||
    url.searchParams.has('token')
  );
}

/**
 * Every bound of the server's doors in one place (limits.ts says which and how much): the
 * timeouts and idle connections of the HTTP server, token failures per client address (HTTP
 * and WebSocket), tRPC's body and batch sizes, WebSocket connections per user and subscriptions
 * per connection. The rate of new jobs is the job service's (import-job.service.ts).
 */
export function requestBounds(config: ServerConfig, log: (line: string) => void) {
  const limits = config.limits;
  const tokenFailures = new TokenFailures(limits.tokenFailures);
  const userConnections = new UserConnections(limits.wsConnectionsPerUser);
  const addressOf = (req: IncomingMessage) => clientAddress(req, config.trustProxy);

  return {
    /** `http.createServer` options: the request, headers and keep-alive timeouts. */
    serverOptions: serverTimeouts(limits) satisfies ServerOptions,

    /**
     * Watches the server's connections: closes idle ones (timeouts.ts) and logs, in one line,
     * each request that ended unanswered: its client went away, or it timed out (Node answers
     * 408 then).
     */
    watch(server: Server): void {
      closeIdleConnections(server, limits, log);
      server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        res.once('close', () => {
          if (res.writableEnded || closedAsIdle.has(res)) return;
          const errored: NodeJS.ErrnoException | null = req.socket.errored;
          const why = errored?.code;
          if (why === 'ERR_HTTP_REQUEST_TIMEOUT') {
            const path = new URL(req.url ?? '/', 'http://localhost').pathname;
            log(
              `request timed out: ${req.method} ${path} (not whole after ${limits.requestTimeoutMs / 1000} s; answered 408)`,
            );
          } else {
            log(clientWentAway(req.method, req.url));
          }
        });
      });
    },

    /**
     * Counts the request's answer against its address if it is a 401, and returns the 429 it
     * must get instead of being served when its address is over its token failures (only a
     * request that checks a token: static files are served).
     */
    admit(req: IncomingMessage, res: ServerResponse, url: URL): AppError | null {
      const address = addressOf(req);
      res.once('finish', () => {
        if (res.statusCode === 401) tokenFailures.failed(address);
      });
      return checksToken(url) ? tokenFailures.refusal(address) : null;
    },

    /** tRPC's `onError`: logs an unexpected failure (its message is not sent to the client). */
    logTrpcFailure: ({ error, path }: { error: TRPCError; path?: string }): void => {
      if (error.code !== 'INTERNAL_SERVER_ERROR') return;
      const cause = error.cause ?? error;
      log(`error: tRPC ${path ?? '?'}: ${cause.stack ?? cause.message}`);
    },

    /** tRPC over HTTP with its body and batch bounds (trpc-bounds.ts). */
    trpcHttp(
      handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
      auth: AuthService,
    ) {
      return boundedTrpcHttp(handler, {
        auth,
        maxBodyBytes: limits.maxJsonBytes,
        maxBatchCalls: limits.maxTrpcBatchCalls,
      });
    },

    /**
     * Refuses a WebSocket upgrade from an address over its token failures with 429.
     * @returns whether it refused (the socket is then ended).
     */
    refuseUpgrade(req: IncomingMessage, socket: Duplex): boolean {
      const refusal = tokenFailures.refusal(addressOf(req));
      if (!refusal) return false;
      const body = `${refusal.message}\n`;
      socket.end(
        'HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; charset=utf-8\r\n' +
          `Retry-After: ${refusal.details.retry_after}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
      return true;
    },

    /**
     * Admits a WebSocket connection's context: a bad token counts against the address; a user
     * over its open connections is refused (TOO_MANY_REQUESTS, and tRPC closes the socket);
     * else the connection gets its budget of subscriptions.
     * @throws TRPCError TOO_MANY_REQUESTS
     */
    admitLive(
      context: TrpcContext,
      req: IncomingMessage,
      socket: { once(event: 'close', listener: () => void): unknown },
    ): TrpcContext {
      if (!context.user) {
        if (context.authError?.code === 'UNAUTHORIZED') tokenFailures.failed(addressOf(req));
        return context;
      }
      let release: () => void;
      try {
        release = userConnections.admit(context.user.id);
      } catch (error) {
        throw toTrpcError(error);
      }
      socket.once('close', release);
      return {
        ...context,
        subscriptions: new SubscriptionBudget(limits.wsSubscriptionsPerConnection),
      };
    },
  };
}
