import { ApiClient, ApiError, ServerUnavailableError, TokenError } from '../import/api-client.js';
import { ImportOutput } from '../import/import-output.js';
import { RunState } from '../import/run-state.js';
import { saveConnection, stateDir, type Connection } from '../import/settings.js';
import { cliDelivery, cliJournal } from '../import/delivery.js';
import { retryFailed } from '../../../shared/import/index.js';
import { UsageError } from '../errors.js';
import type { JobStatusResponse } from '../../../shared/schemas/index.js';

function describe(job: JobStatusResponse): string {
  const t = job.totals;
  const lines = [
    `job ${job.job_id}: ${job.status}${job.manifest_closed ? '' : ' (manifest still open)'}`,
    `  queued ${t.queued} · uploading ${t.processing} · completed ${t.completed} · duplicates ${t.duplicates} · failed ${t.failed}`,
  ];
  if (job.source) lines.push(`  source: ${job.source}`);
  if (job.bucket) {
    const { listed, listing_done, excluded } = job.bucket;
    lines.push(
      `  bucket: ${listed} objects listed${listing_done ? '' : ' so far'} · ${excluded} excluded (by exclude or a .smignore)`,
    );
  }
  for (const e of job.errors) lines.push(`  failed: ${e.path}: ${e.reason}`);
  return lines.join('\n');
}

async function withClient<T>(
  connection: Connection,
  work: (client: ApiClient) => Promise<T>,
): Promise<T> {
  try {
    return await work(new ApiClient(connection));
  } catch (error) {
    if (error instanceof TokenError)
      throw new UsageError(`${error.message}; check --token or SM_TOKEN`);
    if (error instanceof ServerUnavailableError)
      throw new UsageError(`${error.message}; is sm-server running?`);
    if (error instanceof ApiError && error.status === 404) throw new UsageError(error.message);
    throw error;
  }
}

/** `sm-import status JOB`: the job's state (its REST status with --json). */
export async function statusCommand(
  connection: Connection,
  jobId: string,
  json: boolean,
): Promise<number> {
  const job = await withClient(connection, (c) => c.status(jobId));
  process.stdout.write(`${json ? JSON.stringify(job) : describe(job)}\n`);
  return job.status === 'failed' || job.totals.failed > 0 ? 1 : 0;
}

/**
 * `sm-import retry JOB`: puts the job's failed uploads back in line and uploads them again
 * from this machine's record of the import (the files must still be where they were).
 */
export async function retryCommand(
  connection: Connection,
  jobId: string,
  json: boolean,
): Promise<number> {
  return withClient(connection, async (client) => {
    const meta = await RunState.findByJob(stateDir(), jobId);
    if (!meta) {
      throw new UsageError(
        `this machine has no record of job ${jobId}; run \`sm-import import\` on the same folders instead`,
      );
    }
    const output = new ImportOutput(json, process.stdout, process.stderr);
    const state = await RunState.open(stateDir(), meta.server, meta.roots);
    const failures = new Map<string, string>();
    const run = { client, state, output, failures };
    let retried: string[];
    try {
      const taken = await retryFailed(client, jobId, cliJournal(run));
      retried = [...taken.retried, ...taken.unknown];
      for (const path of taken.unknown)
        failures.set(path, 'not in this machine’s record of the import');
      const delivery = cliDelivery(run);
      for (const path of taken.retried) delivery.upload(path);
      await delivery.deliver(null);
    } finally {
      await state.close();
    }
    const final = await client.status(jobId);
    output.finish(
      final,
      [...failures].map(([path, reason]) => ({ path, reason })),
      `${retriedLine(retried.length, final.totals.failed)}\n${describe(final)}`,
    );
    return failures.size > 0 || final.totals.failed > 0 ? 1 : 0;
  });
}

/** What `retry` did: how many files it sent again, or why there was nothing to send. Pure. */
export function retriedLine(retried: number, failed: number): string {
  if (retried > 0) return `retried ${retried} ${retried === 1 ? 'file' : 'files'}`;
  if (failed === 0) return 'nothing to retry: no file of this job failed';
  const files =
    failed === 1 ? 'file cannot be sent again as it is' : 'files cannot be sent again as they are';
  return (
    `nothing to retry: the job's ${failed} failed ${files} (reasons below); ` +
    'fix them, or run `sm-import import` on the same folders again'
  );
}

/** `sm-import login`: checks the server and token, then saves them for later commands. */
export async function loginCommand(connection: Connection): Promise<number> {
  await withClient(connection, (c) => c.verify());
  const file = await saveConnection(connection);
  process.stdout.write(`signed in to ${connection.server}; saved in ${file}\n`);
  return 0;
}
