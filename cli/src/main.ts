import { parseArgs } from 'node:util';
import { analyzeCommand } from './commands/analyze.js';
import { importCommand } from './commands/import.js';
import { loginCommand, retryCommand, statusCommand } from './commands/job-commands.js';
import { resolveConnection } from './import/settings.js';
import { UsageError } from './errors.js';
import { ApiError } from './import/api-client.js';
import { parseS3Url } from '../../shared/s3/s3-url.js';
import { compilePatterns, ExclusionPatternError } from '../../shared/files/exclusions.js';

const HELP = `sm-import: analyse and import folders of audio samples, loops and tracks

Usage:
  sm-import analyze PATH... [--json] [--concurrency N] [--no-ffmpeg] [--no-hints] [--exclude GLOB]...
  sm-import import PATH... [--server URL] [--token TOKEN] [--on-duplicate skip|replace|keep-both]
                           [--dry-run | --watch] [--json] [--concurrency N] [--no-ffmpeg]
                           [--exclude GLOB]...
  sm-import import s3://BUCKET/PREFIX [--endpoint URL] [--server URL] [--token TOKEN]
                           [--on-duplicate skip|replace|keep-both] [--json] [--exclude GLOB]...
  sm-import status JOB [--json]
  sm-import retry JOB [--json]
  sm-import login --server URL --token TOKEN

Commands:
  analyze   Analyse files (BPM, key, kind, loudness, duplicates) on this machine; no server needed.
  import    Analyse, then upload every new sound to the library on the server, resumably:
            running the same command again continues where it stopped. Given s3://BUCKET/PREFIX,
            the server imports the bucket itself (credentials as for AWS tools: AWS_ACCESS_KEY_ID,
            AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION or AWS_PROFILE, handed to the
            server for that job only) and this command follows the job.
  status    Print an import job's state.
  retry     Upload a job's failed files again (from this machine's record of the import).
  login     Check a server and token and save them for later commands.

Options:
  --json              One JSON object per file (analyze) or per event (import; the last line is
                      the job's final status) instead of a table.
  --concurrency N     Analysis worker threads (default: one per core).
  --no-ffmpeg         Never use ffmpeg, even for large compressed files.
  --no-hints          analyze: ignore tempo and key written in file names and tags; the
                      sound alone decides (bpm_hint and key_hint are null).
  --server URL        The sm-server to import into (else SM_SERVER, else the saved login).
  --token TOKEN       Its API token (else SM_TOKEN, else the saved login).
  --on-duplicate M    skip (default): keep the library's copy; replace: the new file takes its
                      place; keep-both: store the sound again (identical bytes never are).
  --dry-run           Do everything but upload, and say what would happen.
  --watch             import: after the import, keep watching the folders; new and changed files
                      are imported in batches once they hold still, deleted ones are reported
                      (never deleted from the library). Ctrl-C stops (exit 0, or 130 with files
                      left to import: run the same command again). Not with --dry-run or s3://.
  --endpoint URL      The S3-compatible store of an s3:// import (MinIO, Ceph…); AWS if not given.
  --exclude GLOB      Leave out files matching GLOB (gitignore syntax, relative to each folder
                      given or to the bucket prefix; repeat for more). A .smignore file in any
                      folder (or under the prefix) excludes files the same way, below it.
  -h, --help          Show this help.

Exit codes: 0 every file done, duplicate or skipped; 1 some files failed or a path could not be
read; 2 usage or configuration error (a refused token, an unreachable server); 130 interrupted.`;

function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 256, got "${value}"`);
  }
  return n;
}

function positiveEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`${name} must be a whole number above 0`);
  return n;
}

const ON_DUPLICATE = ['skip', 'replace', 'keep-both'] as const;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  if (!['analyze', 'import', 'status', 'retry', 'login'].includes(command)) {
    throw new UsageError(`unknown command "${command}"; run sm-import --help`);
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      'no-ffmpeg': { type: 'boolean', default: false },
      'no-hints': { type: 'boolean', default: false },
      server: { type: 'string' },
      token: { type: 'string' },
      'on-duplicate': { type: 'string', default: 'skip' },
      'dry-run': { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      exclude: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const connection = () => resolveConnection({ server: values.server, token: values.token });
  const exclude = values.exclude;
  if (exclude.length > 0) {
    if (command !== 'analyze' && command !== 'import')
      throw new UsageError('--exclude is for analyze and import');
    // Checked before anything is read or sent, so a typo stops the command at once.
    compilePatterns(exclude, '--exclude');
  }
  if (values.watch && command !== 'import') throw new UsageError('--watch is for import');
  switch (command) {
    case 'analyze': {
      if (positionals.length === 0) {
        throw new UsageError('analyze needs at least one PATH (a file or a folder)');
      }
      const summary = await analyzeCommand({
        paths: positionals,
        json: values.json,
        concurrency: parseConcurrency(values.concurrency),
        ffmpeg: !values['no-ffmpeg'],
        hints: !values['no-hints'],
        exclude,
      });
      return summary.errors > 0 || summary.problems > 0 ? 1 : 0;
    }
    case 'import': {
      if (values['no-hints']) {
        throw new UsageError('--no-hints is for analyze; an import reports the hints it reads');
      }
      if (positionals.length === 0)
        throw new UsageError('import needs at least one PATH (a file or a folder)');
      const bucket = positionals.find((p) => p.startsWith('s3://'));
      if (bucket !== undefined) {
        if (positionals.length > 1)
          throw new UsageError('import takes one s3://BUCKET/PREFIX alone, without other paths');
        if (!parseS3Url(bucket))
          throw new UsageError(`${bucket} is not s3://BUCKET/PREFIX with a valid bucket name`);
        if (values['dry-run'])
          throw new UsageError('--dry-run is for folders; a bucket is read by the server');
        if (values.watch)
          throw new UsageError(
            '--watch is for folders on this machine; run the bucket import again to take what is new',
          );
      } else if (values.endpoint !== undefined) {
        throw new UsageError('--endpoint goes with an s3://BUCKET/PREFIX to import');
      }
      if (values.watch && values['dry-run'])
        throw new UsageError(
          '--watch imports what changes; run --dry-run alone to see what one import would do',
        );
      const onDuplicate = values['on-duplicate'];
      if (!ON_DUPLICATE.includes(onDuplicate as (typeof ON_DUPLICATE)[number])) {
        throw new UsageError(
          `--on-duplicate must be skip, replace or keep-both, got "${onDuplicate}"`,
        );
      }
      return importCommand({
        paths: positionals,
        connection: await connection(),
        onDuplicate: onDuplicate as (typeof ON_DUPLICATE)[number],
        concurrency: parseConcurrency(values.concurrency),
        ffmpeg: !values['no-ffmpeg'],
        dryRun: values['dry-run'],
        watch: values.watch,
        // Without a terminal to draw on, progress is written as JSON events.
        json: values.json || !process.stdout.isTTY,
        chunkBytes: positiveEnv('SM_IMPORT_CHUNK_BYTES'),
        uploads: positiveEnv('SM_IMPORT_UPLOADS'),
        manifestBatch: positiveEnv('SM_IMPORT_MANIFEST_BATCH'),
        exclude,
        ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
      });
    }
    case 'status':
    case 'retry': {
      const [jobId, ...extra] = positionals;
      if (!jobId || extra.length > 0) throw new UsageError(`${command} needs exactly one JOB id`);
      return command === 'status'
        ? statusCommand(await connection(), jobId, values.json)
        : retryCommand(await connection(), jobId, values.json);
    }
    default:
      if (positionals.length > 0)
        throw new UsageError('login takes --server URL and --token TOKEN');
      return loginCommand(await connection());
  }
}

// A reader that stops early (`| head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      error instanceof ExclusionPatternError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`sm-import: ${(error as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof ApiError) {
      // The server refused what was asked (an unknown job, a bad id): its answer says why.
      process.stderr.write(`sm-import: the server answered ${error.status}: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(
      `sm-import: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
