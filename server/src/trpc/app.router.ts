import { on } from 'node:events';
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import {
  checkRequestSchema,
  initRequestSchema,
  jobIdSchema,
  libraryListInputSchema,
  libraryListOutputSchema,
  librarySimilarInputSchema,
  librarySimilarOutputSchema,
  type BulkImportUpdate,
} from '../../../shared/schemas/index.js';
import { router, toTrpcError, userProcedure } from './trpc.js';
import { liveProcedure } from './live-limits.js';

const jobInput = z.object({ job_id: jobIdSchema });

/**
 * The tRPC door for the web app: the same services as REST. `bulkImport.updates` is the live
 * feed: the current state of the job first (or of each of the user's recent jobs), then every
 * `bulk_import.update` of the user's jobs as it happens.
 */
export const appRouter = router({
  me: userProcedure.query(({ ctx }) => ({ id: ctx.user.id, name: ctx.user.name })),
  auth: router({
    /** Revokes the token the caller is signed in with (cookie or Bearer) and removes the cookie. */
    signOut: userProcedure.mutation(async ({ ctx }) => {
      await ctx.services.auth.signOut(ctx.credentials);
      ctx.clearSessionCookie?.();
      return { signed_out: true as const };
    }),
  }),
  bulkImport: router({
    init: userProcedure
      .input(initRequestSchema)
      .mutation(({ ctx, input }) => ctx.services.jobs.init(ctx.user, input)),
    // The manifest is validated per entry by the service, so one bad entry fails alone.
    ingest: userProcedure
      .input(z.unknown())
      .mutation(({ ctx, input }) => ctx.services.jobs.ingest(ctx.user, input)),
    check: userProcedure
      .input(checkRequestSchema)
      .mutation(({ ctx, input }) => ctx.services.library.check(ctx.user, input)),
    status: userProcedure
      .input(jobInput)
      .query(({ ctx, input }) => ctx.services.jobs.status(ctx.user, input.job_id)),
    list: userProcedure.query(({ ctx }) => ctx.services.jobs.list(ctx.user)),
    cancel: userProcedure
      .input(jobInput)
      .mutation(({ ctx, input }) => ctx.services.jobs.cancel(ctx.user, input.job_id)),
    retry: userProcedure
      .input(jobInput)
      .mutation(({ ctx, input }) => ctx.services.jobs.retry(ctx.user, input.job_id)),
    updates: liveProcedure
      .input(z.object({ job_id: jobIdSchema.optional() }))
      .subscription(async function* ({ ctx, input, signal }) {
        // Listen before reading the current state, so nothing between the two is lost.
        const relay = new EventEmitter();
        const unsubscribe = ctx.services.events.subscribe(ctx.user.id, (event) => {
          if (!input.job_id || event.job_id === input.job_id) relay.emit('update', event);
        });
        try {
          const queue = on(relay, 'update', { signal });
          if (input.job_id) {
            yield await ctx.services.jobs.snapshot(ctx.user, input.job_id).catch((e: unknown) => {
              throw toTrpcError(e);
            });
          } else {
            for (const job of await ctx.services.jobs.list(ctx.user, 20)) {
              yield {
                type: 'bulk_import.update',
                job_id: job.job_id,
                status: job.status,
                totals: job.totals,
                files: [],
              } satisfies BulkImportUpdate;
            }
          }
          for await (const [event] of queue) yield event as BulkImportUpdate;
        } finally {
          unsubscribe();
        }
      }),
  }),
  library: router({
    list: userProcedure
      .input(libraryListInputSchema)
      .output(libraryListOutputSchema)
      .query(({ ctx, input }) => ctx.services.library.list(ctx.user, input)),
    /** The files linked to one of the caller's as similar, closest first (REST: `…/files/{id}/similar`). */
    similar: userProcedure
      .input(librarySimilarInputSchema)
      .output(librarySimilarOutputSchema)
      .query(({ ctx, input }) => ctx.services.library.similar(ctx.user, input.id)),
  }),
});

export type AppRouter = typeof appRouter;
