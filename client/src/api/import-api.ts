import type { ImportApi } from '../../../shared/import/index.js';
import { api } from './trpc.js';

/** The import port of shared/import over the server's tRPC API (what the wizard uses). */
export const trpcImportApi: ImportApi = {
  init: async (onDuplicate, source) =>
    (await api.bulkImport.init.mutate({ source, on_duplicate: onDuplicate })).job_id,
  ingest: (jobId, entries, last) => api.bulkImport.ingest.mutate({ job_id: jobId, entries, last }),
  check: (items) => api.bulkImport.check.mutate({ items }),
  status: (jobId) => api.bulkImport.status.query({ job_id: jobId }),
  retry: (jobId) => api.bulkImport.retry.mutate({ job_id: jobId }),
  follow(jobId, onEvent) {
    const subscription = api.bulkImport.updates.subscribe(
      { job_id: jobId },
      { onData: onEvent, onError: () => undefined },
    );
    return { close: () => subscription.unsubscribe() };
  },
};
