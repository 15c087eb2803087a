import { UsageError } from '../errors.js';
import { ServerUnavailableError, TokenError } from '../import/api-client.js';
import { dryRun } from '../import/dry-run.js';
import { ImportOutput } from '../import/import-output.js';
import { runImport, type ImportOptions } from '../import/import-run.js';
import { runBucketImport } from '../import/bucket-run.js';
import { watchImport } from '../watch/watch-run.js';

/**
 * `sm-import import`: a folder tree analysed here, or a bucket (`s3://…`) the server imports
 * itself; resolves to the exit code (0 every file done, duplicate or skipped; 1 some
 * failed or a path could not be read; 130 interrupted). With `watch`, the import goes on
 * watching the folders until stopped (watchImport says its exit codes).
 * @throws UsageError for a refused token or an unreachable server (exit code 2).
 */
export async function importCommand(
  options: ImportOptions & { dryRun: boolean; json: boolean; endpoint?: string; watch?: boolean },
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
): Promise<number> {
  const output = new ImportOutput(options.json, out, err);
  try {
    const [first] = options.paths;
    if (first?.startsWith('s3://')) {
      const result = await runBucketImport({ ...options, url: first }, output);
      if (!result.final) {
        output.finishJob(null, `Interrupted: the server goes on with job ${result.jobId}.`);
        return 130;
      }
      output.finishJob(result.final, `Job ${result.final.job_id}: ${result.final.status}`);
      // Errors of the job's own (a key that makes no path, a listing cut short, a .smignore
      // that cannot be used) leave objects unimported as a failed file does.
      const { status, totals, errors } = result.final;
      return status === 'completed' && totals.failed === 0 && errors.length === 0 ? 0 : 1;
    }
    if (options.dryRun) {
      const { summary, failures, problems } = await dryRun(options, output);
      output.counts.uploaded = 0;
      output.finish(
        summary,
        failures,
        `Dry run: ${summary.would_upload} files (${(summary.would_upload_bytes / 1e6).toFixed(1)} MB) would be uploaded; ` +
          `${summary.duplicates_in_run} repeat a file of this run and ${summary.duplicates_in_library} are in the library already.` +
          (summary.similar > 0
            ? ` ${summary.similar} of those to upload are close to another sound, not copies: both would be kept.`
            : ''),
      );
      return failures.length > 0 || problems > 0 ? 1 : 0;
    }
    if (options.watch) return await watchImport(options, output);
    const result = await runImport(options, output);
    if (!result.final) {
      output.finish(
        null,
        result.failures,
        `Interrupted. Run the same command again to continue job ${result.jobId ?? ''}.`,
      );
      return 130;
    }
    output.finish(
      result.final,
      result.failures,
      `Job ${result.final.job_id}: ${result.final.status}`,
    );
    return result.failures.length > 0 || result.problems > 0 ? 1 : 0;
  } catch (error) {
    output.clear();
    if (error instanceof TokenError) {
      throw new UsageError(
        `${error.message}. Check --token or SM_TOKEN (\`sm-server user token NAME\` makes a new one, \`sm-import login\` saves it).`,
      );
    }
    if (error instanceof ServerUnavailableError)
      throw new UsageError(`${error.message}; is sm-server running?`);
    throw error;
  }
}
