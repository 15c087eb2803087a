import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import type { JobFeed } from '../../../shared/import/index.js';
import type { BulkImportUpdate } from '../../../shared/schemas/index.js';
import type { AppRouter } from '../../../server/src/index.js';

/**
 * Follows a job's `bulk_import.update` events over the server's WebSocket (reconnecting on its
 * own after a restart, where the current state comes first again). Progress only: the import
 * does not depend on it, so a feed that cannot connect is silent.
 */
export function followJob(
  server: string,
  token: string,
  jobId: string,
  onUpdate: (event: BulkImportUpdate) => void,
): JobFeed {
  const ws = createWSClient({
    url: `${server.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
    retryDelayMs: (attempt) => Math.min(1000 * 2 ** attempt, 10_000),
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  const subscription = client.bulkImport.updates.subscribe(
    { job_id: jobId },
    { onData: (event) => onUpdate(event), onError: () => {} },
  );
  return {
    async close() {
      subscription.unsubscribe();
      await ws.close();
    },
  };
}
