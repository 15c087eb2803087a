import {
  apiErrorSchema,
  checkResponseSchema,
  ingestResponseSchema,
  initResponseSchema,
  jobStatusResponseSchema,
  retryResponseSchema,
  type BulkImportUpdate,
  type CheckResponse,
  type IngestResponse,
  type JobStatusResponse,
  type ManifestEntry,
  type OnDuplicate,
  type RetryResponse,
  type S3Source,
} from '../../../shared/schemas/index.js';
import {
  abortableWait,
  RETRY_DELAYS_MS,
  withRetries,
  type CheckItem,
  type ImportApi,
  type JobFeed,
} from '../../../shared/import/index.js';
import { followJob } from './live-feed.js';
import type { Connection } from './settings.js';

/** An answer of the server that is not a success, with its status and the server's message. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The token was refused: a configuration problem, not a file's. */
export class TokenError extends ApiError {
  override name = 'TokenError';
}

/** The server could not be reached or kept failing (5xx) through every retry. */
export class ServerUnavailableError extends Error {
  override name = 'ServerUnavailableError';
}

/** A 5xx answer: the server is restarting or overloaded, and may answer the same call later. */
class ServerBusy extends Error {}

/**
 * The REST v1 client of `sm-import`: JSON, bearer token, retries on the shared schedule while
 * the server is down, restarting or answering 5xx (about a minute in all), clear errors otherwise.
 */
export class ApiClient implements ImportApi {
  constructor(
    private readonly connection: Connection,
    private readonly retryDelaysMs: readonly number[] = RETRY_DELAYS_MS,
    private readonly onRetry: (message: string) => void = () => {},
    private readonly signal?: AbortSignal,
  ) {}

  get server(): string {
    return this.connection.server;
  }

  get token(): string {
    return this.connection.token;
  }

  private request(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = `${this.connection.server}/api/v1/audio/bulk-import${path}`;
    const call = async () => {
      const res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.connection.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const json = parseJson(text);
      if (res.ok) return json;
      const message =
        apiErrorSchema.safeParse(json).data?.error.message ??
        (text.slice(0, 300) || res.statusText);
      if (res.status === 401) {
        throw new TokenError(401, `the server refused the token: ${message}`);
      }
      if (res.status < 500) throw new ApiError(res.status, message);
      throw new ServerBusy(`${res.status} ${message}`);
    };
    return withRetries(call, {
      transient: (error) =>
        error instanceof ApiError
          ? null
          : error instanceof ServerBusy
            ? error.message
            : describeNetworkError(error),
      delaysMs: this.retryDelaysMs,
      onRetry: (failure, delay) =>
        this.onRetry(`${failure}; retrying in ${(delay / 1000).toFixed(1)} s`),
      // Stopped (Ctrl-C): the tries left are made at once, so that the run ends without
      // waiting out the schedule, with the same error as when every delay was spent.
      wait: (ms) => abortableWait(ms, this.signal),
      giveUp: (failure) =>
        new ServerUnavailableError(
          `the server at ${this.connection.server} is not answering (${failure})`,
        ),
    });
  }

  async init(onDuplicate: OnDuplicate, source: string): Promise<string> {
    return initResponseSchema.parse(
      await this.request('POST', '/init', { on_duplicate: onDuplicate, source }),
    ).job_id;
  }

  async ingest(jobId: string, entries: ManifestEntry[], last: boolean): Promise<IngestResponse> {
    return ingestResponseSchema.parse(
      await this.request('POST', '/ingest', { job_id: jobId, entries, last }),
    );
  }

  /** Has the server import a bucket into the job (it lists and fetches the objects itself). */
  async ingestBucket(jobId: string, source: S3Source): Promise<IngestResponse> {
    return ingestResponseSchema.parse(
      await this.request('POST', '/ingest', { job_id: jobId, source: { s3: source } }),
    );
  }

  async check(items: CheckItem[]): Promise<CheckResponse> {
    return checkResponseSchema.parse(await this.request('POST', '/check', { items }));
  }

  async status(jobId: string): Promise<JobStatusResponse> {
    return jobStatusResponseSchema.parse(await this.request('GET', `/${jobId}/status`));
  }

  /** The job's status; null when the server does not know the job (404). */
  async statusIfKnown(jobId: string): Promise<JobStatusResponse | null> {
    try {
      return await this.status(jobId);
    } catch (error) {
      if (this.isGone(error)) return null;
      throw error;
    }
  }

  /** Whether a call failed because the server does not know the job (404). */
  isGone(error: unknown): boolean {
    return error instanceof ApiError && error.status === 404;
  }

  async retry(jobId: string): Promise<RetryResponse> {
    return retryResponseSchema.parse(await this.request('POST', `/${jobId}/retry`));
  }

  follow(jobId: string, onEvent: (event: BulkImportUpdate) => void): JobFeed {
    return followJob(this.server, this.token, jobId, onEvent);
  }

  /** Checks that the server answers and takes the token (before any work is done). */
  async verify(): Promise<void> {
    await this.request('GET', '/jobs');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ECONNRESET') return 'connection reset';
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}
