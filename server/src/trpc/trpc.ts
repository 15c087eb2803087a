import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { AppError, type AppErrorCode } from '../errors.js';
import type { AuthUser, RequestCredentials } from '../auth/auth.service.js';
import type { Services } from '../services.js';
import type { SubscriptionBudget } from './live-limits.js';

export interface TrpcContext {
  services: Services;
  /** Null until a procedure that needs a user authenticates the request. */
  user: AuthUser | null;
  /** Why there is no user (a missing or bad token), for the error a protected call gets. */
  authError: AppError | null;
  /** The request's (or WebSocket connection's) token headers, for `auth.signOut`. */
  credentials: RequestCredentials;
  /** Removes the session cookie with the answer (over HTTP; null on the WebSocket). */
  clearSessionCookie: (() => void) | null;
  /** On the WebSocket: checks that the connection's token was not revoked since it opened. */
  reauthenticate?: () => Promise<unknown>;
  /** The subscriptions this WebSocket connection may still open (none over HTTP). */
  subscriptions?: SubscriptionBudget;
}

const TRPC_CODE: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNPROCESSABLE: 'UNPROCESSABLE_CONTENT',
  REQUEST_TIMEOUT: 'TIMEOUT',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INSUFFICIENT_STORAGE: 'SERVICE_UNAVAILABLE',
};

/** AppErrors become TRPCErrors with the matching code and the same message. */
export function toTrpcError(error: unknown): unknown {
  if (error instanceof AppError) {
    return new TRPCError({ code: TRPC_CODE[error.code], message: error.message, cause: error });
  }
  return error;
}

// isDev false: stack traces never reach clients, nor the message of an unexpected failure (it
// may hold a server path; the server logs it). No subscriptions over HTTP (SSE): the live feed
// is on the WebSocket, where each connection's subscriptions are bounded.
const t = initTRPC.context<TrpcContext>().create({
  isDev: false,
  sse: { enabled: false },
  errorFormatter: ({ shape, error }) =>
    error.code === 'INTERNAL_SERVER_ERROR'
      ? { ...shape, message: 'the server failed to answer this request; its log says why' }
      : shape,
});

export const router = t.router;

/** A procedure for a signed-in user; domain errors are mapped in one place. */
export const userProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (!ctx.user) throw toTrpcError(ctx.authError ?? new AppError('UNAUTHORIZED', 'sign in first'));
  // A WebSocket is authenticated when it opens: each of its calls checks the token again.
  if (ctx.reauthenticate) {
    await ctx.reauthenticate().catch((error: unknown) => {
      throw toTrpcError(error);
    });
  }
  const result = await next({ ctx: { ...ctx, user: ctx.user } });
  if (!result.ok && result.error.cause instanceof AppError) {
    return { ...result, error: toTrpcError(result.error.cause) as TRPCError };
  }
  return result;
});
