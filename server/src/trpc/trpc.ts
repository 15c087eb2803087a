import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { AppError, type AppErrorCode } from '../errors.js';
import type { AuthUser } from '../auth/auth.service.js';
import type { Services } from '../services.js';

export interface TrpcContext {
  services: Services;
  /** Null until a procedure that needs a user authenticates the request. */
  user: AuthUser | null;
  /** Why there is no user (a missing or bad token), for the error a protected call gets. */
  authError: AppError | null;
}

const TRPC_CODE: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNPROCESSABLE: 'UNPROCESSABLE_CONTENT',
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
};

/** AppErrors become TRPCErrors with the matching code and the same message. */
export function toTrpcError(error: unknown): unknown {
  if (error instanceof AppError) {
    return new TRPCError({ code: TRPC_CODE[error.code], message: error.message, cause: error });
  }
  return error;
}

// isDev false: stack traces never reach clients.
const t = initTRPC.context<TrpcContext>().create({ isDev: false });

export const router = t.router;

/** A procedure for a signed-in user; domain errors are mapped in one place. */
export const userProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (!ctx.user) throw toTrpcError(ctx.authError ?? new AppError('UNAUTHORIZED', 'sign in first'));
  const result = await next({ ctx: { ...ctx, user: ctx.user } });
  if (!result.ok && result.error.cause instanceof AppError) {
    return { ...result, error: toTrpcError(result.error.cause) as TRPCError };
  }
  return result;
});
