import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobStatusResponse, OnDuplicate, S3Source } from '../../../shared/schemas/index.js';
import { awaitJobEnd, jobIsOpen } from '../../../shared/import/index.js';
import { UsageError } from '../errors.js';
import { ApiClient, ApiError } from './api-client.js';
import type { ImportOutput } from './import-output.js';
import type { Connection } from './settings.js';
import { stateDir } from './settings.js';

/** What `sm-import import s3://BUCKET/PREFIX` is given. */
export interface BucketImportOptions {
  url: string;
  /** An S3-compatible store other than AWS (the server must allow it). */
  endpoint?: string;
  connection: Connection;
  onDuplicate: OnDuplicate;
  stateDir?: string;
  /** `--exclude` patterns, relative to the prefix; the server reads `.smignore` objects too. */
  exclude?: readonly string[];
}

export interface BucketImportResult {
  jobId: string;
  /** The job at its end; null when the run was interrupted (the server goes on). */
  final: JobStatusResponse | null;
}

/**
 * The credentials to hand the server for this job, found the way AWS tools find them
 * (environment, AWS_PROFILE and ~/.aws files, SSO, a credential process).
 * @throws UsageError when there are none.
 */
async function bucketCredentials(): Promise<
  Pick<S3Source, 'access_key_id' | 'secret_access_key' | 'session_token'>
> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  try {
    const found = await defaultProvider({ timeout: 2000, maxRetries: 0 })();
    return {
      access_key_id: found.accessKeyId,
      secret_access_key: found.secretAccessKey,
      ...(found.sessionToken ? { session_token: found.sessionToken } : {}),
    };
  } catch (error) {
    throw new UsageError(
      `no AWS credentials for the bucket: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or AWS_PROFILE (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }
}

/** The run file of a bucket import: which job this command started on this server. */
function runFile(dir: string, server: string, url: string, endpoint: string | undefined): string {
  const id = createHash('sha256')
    .update(JSON.stringify([server, url, endpoint ?? null]))
    .digest('hex')
    .slice(0, 16);
  return join(dir, `bucket-${id}.json`);
}

/**
 * `sm-import import s3://BUCKET/PREFIX`: the server lists, fetches, analyses and stores the
 * bucket's objects itself (nothing passes through this machine); this command starts the job,
 * follows it live and reports its end. Run again while the job goes on, it follows the same job.
 * @throws UsageError (exit 2) when there are no credentials or the server cannot read the
 *   bucket with them, with the store's reason.
 */
export async function runBucketImport(
  options: BucketImportOptions,
  output: ImportOutput,
): Promise<BucketImportResult> {
  const client = new ApiClient(options.connection, undefined, (m) => output.note(`server: ${m}`));
  await client.verify();
  const dir = options.stateDir ?? stateDir();
  const file = runFile(dir, client.server, options.url, options.endpoint);
  let jobId = await earlierJob(client, file);
  if (jobId) {
    output.note(`following job ${jobId}, started earlier for ${options.url}`);
  } else {
    const source: S3Source = {
      url: options.url,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION
        ? { region: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION }
        : {}),
      ...(await bucketCredentials()),
      ...(options.exclude?.length ? { exclude: [...options.exclude] } : {}),
    };
    jobId = await client.init(options.onDuplicate, `sm-import ${options.url}`);
    try {
      await client.ingestBucket(jobId, source);
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) throw new UsageError(error.message);
      throw error;
    }
    await mkdir(dir, { recursive: true });
    await writeFile(file, `${JSON.stringify({ jobId })}\n`);
    output.event({ type: 'job', job_id: jobId, source: options.url });
  }

  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    output.note(
      `interrupted: the server goes on with job ${jobId}; run the same command (or sm-import status ${jobId}) to follow it`,
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const feed = client.follow(jobId, (event) => output.event(event));
  try {
    // The feed shows progress; the status, asked each second, says when the job ended.
    const final = await awaitJobEnd((id) => client.status(id), jobId, {
      stopped: () => interrupted,
    });
    if (final) await rm(file, { force: true });
    return { jobId, final };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await feed.close();
  }
}

/** The job an earlier run of this command started, while it has not ended. */
async function earlierJob(client: ApiClient, file: string): Promise<string | null> {
  let jobId: string;
  try {
    jobId = (JSON.parse(await readFile(file, 'utf8')) as { jobId: string }).jobId;
  } catch {
    return null;
  }
  const status = await client.statusIfKnown(jobId);
  if (status && jobIsOpen(status.status)) return jobId;
  await rm(file, { force: true });
  return null;
}
