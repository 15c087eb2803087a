/**
 * The REST calls and tus uploads `npm run bench:server` makes, as a client of the server in
 * its child process (shared/schemas is the contract).
 */
import * as tus from 'tus-js-client';
import {
  ingestResponseSchema,
  initResponseSchema,
  jobStatusResponseSchema,
  type IngestResponse,
  type JobStatusResponse,
  type ManifestEntry,
  type OnDuplicate,
} from '../shared/schemas/index.js';
import { request } from './server-load.js';

export const BULK_IMPORT = '/api/v1/audio/bulk-import';
export const UPLOADS = '/api/v1/uploads';

export interface BenchClient {
  baseUrl: string;
  token: string;
  /** Headers of a JSON request with the bearer token. */
  jsonHeaders: Record<string, string>;
  init(source: string, onDuplicate: OnDuplicate): Promise<string>;
  ingest(jobId: string, entries: ManifestEntry[], last: boolean): Promise<IngestResponse>;
  status(jobId: string): Promise<JobStatusResponse>;
}

export function benchClient(baseUrl: string, token: string): BenchClient {
  const jsonHeaders = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
  };
  const post = async (path: string, body: unknown, expected = 200) =>
    JSON.parse(
      (
        await request(
          baseUrl + path,
          { method: 'POST', headers: jsonHeaders, body: JSON.stringify(body) },
          expected,
        )
      ).text,
    ) as unknown;
  return {
    baseUrl,
    token,
    jsonHeaders,
    async init(source, onDuplicate) {
      const answer = await post(`${BULK_IMPORT}/init`, { source, on_duplicate: onDuplicate }, 201);
      return initResponseSchema.parse(answer).job_id;
    },
    async ingest(jobId, entries, last) {
      return ingestResponseSchema.parse(
        await post(`${BULK_IMPORT}/ingest`, { job_id: jobId, entries, last }),
      );
    },
    async status(jobId) {
      const { text } = await request(`${baseUrl}${BULK_IMPORT}/${jobId}/status`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return jobStatusResponseSchema.parse(JSON.parse(text));
    },
  };
}

/**
 * Uploads `data` for the entry with tus-js-client, as a client would (creation, then PATCHes
 * of `chunkSize` bytes). Resolves with the entry's state the server answered (`x-entry-state`).
 */
export function tusUpload(
  client: BenchClient,
  entryId: string,
  data: Buffer,
  chunkSize = Infinity,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let state: string | null = null;
    const upload = new tus.Upload(data, {
      endpoint: client.baseUrl + UPLOADS,
      headers: { authorization: `Bearer ${client.token}` },
      metadata: { entry_id: entryId },
      chunkSize,
      retryDelays: [],
      uploadSize: data.length,
      onAfterResponse: (_req, res) => {
        state = res.getHeader('x-entry-state') ?? state;
      },
      onSuccess: () => resolve(state),
      onError: (error) => reject(error),
    });
    upload.start();
  });
}

/** Runs `work` over `items` with at most `parallel` at a time; answers in order. */
export async function pool<T, R>(
  items: readonly T[],
  parallel: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!, i);
      }
    }),
  );
  return results;
}
