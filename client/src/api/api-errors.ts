import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../../server/src/index.js';

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

/** Whether a call failed because the server does not know the job (NOT_FOUND). */
export function isJobGone(error: unknown): boolean {
  return (
    error instanceof TRPCClientError &&
    (error as TRPCClientError<AppRouter>).data?.code === 'NOT_FOUND'
  );
}
