import { parseArgs } from 'node:util';
import { analyzeCommand } from './commands/analyze.js';
import { UsageError } from './errors.js';

const HELP = `sm-import: analyse and import folders of audio samples, loops and tracks

Usage:
  sm-import analyze PATH... [--json] [--concurrency N] [--no-ffmpeg]

Commands:
  analyze   Analyse files (BPM, key, kind, loudness, duplicates) on this machine; no server needed.

Options:
  --json            One JSON object per file per line instead of a table.
  --concurrency N   Worker threads (default: one per core).
  --no-ffmpeg       Never use ffmpeg, even for large compressed files.
  -h, --help        Show this help.

Exit codes: 0 every file analysed or skipped, 1 some files errored or a path could not be read, 2 usage error.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  if (command !== 'analyze')
    throw new UsageError(`unknown command "${command}"; run sm-import --help`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      'no-ffmpeg': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError('analyze needs at least one PATH (a file or a folder)');
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
      throw new UsageError(
        `--concurrency must be a whole number from 1 to 256, got "${values.concurrency}"`,
      );
    }
  }
  const summary = await analyzeCommand({
    paths: positionals,
    json: values.json,
    concurrency,
    ffmpeg: !values['no-ffmpeg'],
  });
  return summary.errors > 0 || summary.problems > 0 ? 1 : 0;
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
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`sm-import: ${(error as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(
      `sm-import: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
