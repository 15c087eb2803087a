import { AppError } from '../errors.js';
import { toTrpcError, userProcedure } from './trpc.js';

/**
 * The bounds of the live feed over WebSocket: open connections per user, and subscriptions per
 * connection (each holds a listener and a queue on the server).
 */

/** Counts each user's open WebSocket connections, up to `perUser`. */
export class UserConnections {
  private readonly open = new Map<string, number>();

  constructor(readonly perUser: number) {}

  /**
   * Counts one more connection of the user.
   * @returns what to call when it closes.
   * @throws AppError TOO_MANY_REQUESTS when the user has `perUser` open already.
   */
  admit(userId: string): () => void {
    const count = this.open.get(userId) ?? 0;
    if (count >= this.perUser) {
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `you have ${count} live connections open, the most one user may: close one (another tab, another sm-import) and connect again`,
      );
    }
    this.open.set(userId, count + 1);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const left = (this.open.get(userId) ?? 1) - 1;
      if (left > 0) this.open.set(userId, left);
      else this.open.delete(userId);
    };
  }
}

/** The subscriptions of one connection, up to `max` at a time. */
export class SubscriptionBudget {
  private active = 0;

  constructor(readonly max: number) {}

  /**
   * Holds one subscription.
   * @returns what to call when it ends (once; later calls do nothing).
   * @throws AppError TOO_MANY_REQUESTS when `max` are active.
   */
  acquire(): () => void {
    if (this.active >= this.max) {
      throw new AppError(
        'TOO_MANY_REQUESTS',
        `this connection has ${this.active} live subscriptions, the most one may hold: stop one before starting another`,
      );
    }
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
    };
  }
}

/** The iterable, calling `release` once when it is done, fails, or is stopped. */
function releasing<T>(source: AsyncIterable<T>, release: () => void): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = source[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            const step = await iterator.next();
            if (step.done) release();
            return step;
          } catch (error) {
            release();
            throw error;
          }
        },
        async return(value?: unknown) {
          release();
          return (await iterator.return?.(value)) ?? { done: true, value: undefined };
        },
        async throw(error?: unknown) {
          release();
          if (iterator.throw) return iterator.throw(error);
          throw error;
        },
      };
    },
  };
}

/**
 * A subscription for a signed-in user that counts against its connection's budget (when it has
 * one: over HTTP there is none): the one past it is refused with TOO_MANY_REQUESTS before it
 * starts.
 */
export const liveProcedure = userProcedure.use(async ({ ctx, type, next }) => {
  if (type !== 'subscription' || !ctx.subscriptions) return next();
  let release: () => void;
  try {
    release = ctx.subscriptions.acquire();
  } catch (error) {
    throw toTrpcError(error);
  }
  const result = await next();
  if (!result.ok) {
    release();
    return result;
  }
  return { ...result, data: releasing(result.data as AsyncIterable<unknown>, release) };
});
