import { parseArgs } from 'node:util';
import { mkdir } from 'node:fs/promises';
import { startServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { AppError } from './errors.js';
import { createAuthService, createServices } from './services.js';
import { startBucketWorkers } from './buckets/bucket-workers.js';
import { ensureLocalUser, LOCAL_USER } from './local-user.js';

const USAGE = `usage:
  sm-server start                 start the server (HOST, PORT, DATA_DIR, DATABASE_URL, ...)
  sm-server worker                take bucket-import work only, no HTTP (needs DATABASE_URL;
                                  BUCKET_WORKERS objects at once)
  sm-server user add NAME [--json] [--quota-bytes N] [--quota-files N]
                                  create a user and print its first token
  sm-server user token NAME [--label LABEL] [--json]
                                  print a new token for an existing user (a label replaces
                                  the user's token of that label)
  sm-server user token list NAME [--json]
                                  list the user's tokens: labels and dates, never values
  sm-server user token revoke NAME LABEL | sm-server user token revoke NAME --all
                                  revoke the user's token of that label (or all of them)
Settings come from the environment; see docs/operator.md.`;

class UsageError extends Error {}

async function start(): Promise<void> {
  const config = loadConfig();
  await mkdir(config.dataDir, { recursive: true });
  const server = await startServer(config);
  const where =
    server.database.kind === 'pglite'
      ? `PGlite in ${config.dataDir}`
      : 'PostgreSQL at DATABASE_URL';
  console.log(`database: ${where}`);
  console.log(`listening on ${server.url}`);
  if (server.database.kind === 'pglite') {
    const token = await ensureLocalUser(server.services.auth, config.dataDir);
    console.log(`sign in as "${LOCAL_USER}": ${server.url}/?token=${token}`);
    console.log(`or from a terminal: SM_TOKEN=${token} sm-import ...`);
  }
  const stop = (signal: string) => {
    console.log(`${signal}: stopping`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

function quota(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`${name} must be a whole number greater than 0`);
  return n;
}

type UserCommand =
  | { action: 'add' | 'token' | 'list'; name: string }
  | { action: 'revoke'; name: string; label: string | null };

/** What `sm-server user …` was asked to do (the words after `user`). */
function userCommand(positionals: string[], options: { all: boolean }): UserCommand {
  const [action, ...rest] = positionals;
  if (action === 'add' && rest.length === 1) return { action, name: rest[0]! };
  if (action === 'token') {
    const [first, name, label, ...extra] = rest;
    if (first === 'list' && name && !label) return { action: 'list', name };
    if (first === 'revoke' && name && extra.length === 0 && !label === options.all) {
      return { action: 'revoke', name, label: label ?? null };
    }
    if (first && !name) return { action: 'token', name: first };
  }
  throw new UsageError(
    'expected `sm-server user add NAME`, `user token NAME`, `user token list NAME` or ' +
      '`user token revoke NAME LABEL` (or `--all` instead of LABEL)',
  );
}

async function user(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      'quota-bytes': { type: 'string' },
      'quota-files': { type: 'string' },
      label: { type: 'string' },
      all: { type: 'boolean', default: false },
    },
  });
  const command = userCommand(positionals, { all: values.all });
  const { name, action } = command;
  if (values.label !== undefined && action !== 'token') {
    throw new UsageError('--label goes with `sm-server user token NAME`');
  }
  if (values.all && action !== 'revoke') {
    throw new UsageError('--all goes with `sm-server user token revoke NAME`');
  }
  const hasQuota = values['quota-bytes'] !== undefined || values['quota-files'] !== undefined;
  if (hasQuota && action !== 'add') {
    throw new UsageError('--quota-bytes and --quota-files go with `sm-server user add NAME`');
  }
  const config = loadConfig();
  await mkdir(config.dataDir, { recursive: true });
  const database = await openDatabase(config);
  try {
    const auth = createAuthService(database.db, config);
    if (action === 'add') {
      const { user, token } = await auth.addUser(name, {
        quotaBytes: quota(values['quota-bytes'], '--quota-bytes'),
        quotaFiles: quota(values['quota-files'], '--quota-files'),
      });
      if (values.json)
        console.log(JSON.stringify({ user: { id: user.id, name: user.name }, token }));
      else console.log(`created user ${user.name}\ntoken (shown once): ${token}`);
    } else if (action === 'token') {
      const label = values.label ?? `token ${new Date().toISOString()}`;
      const token = await auth.issueToken(name, label);
      if (values.json) console.log(JSON.stringify({ user: { name }, label, token }));
      else console.log(`new token for ${name}, labelled "${label}" (shown once): ${token}`);
    } else if (action === 'list') {
      const tokens = await auth.listTokens(name);
      if (values.json) {
        const list = tokens.map((t) => ({ label: t.label, created_at: t.createdAt.toISOString() }));
        console.log(JSON.stringify({ user: { name }, tokens: list }));
      } else if (tokens.length === 0) {
        console.log(`${name} has no tokens: \`sm-server user token ${name}\` makes one`);
      } else {
        console.log(`tokens of ${name} (created, label):`);
        for (const t of tokens) console.log(`  ${t.createdAt.toISOString()}  ${t.label}`);
      }
    } else if (command.action === 'revoke') {
      const revoked = await auth.revokeTokens(name, command.label);
      const which = command.label === null ? 'all tokens' : `the token labelled "${command.label}"`;
      if (values.json) console.log(JSON.stringify({ user: { name }, revoked }));
      else console.log(`revoked ${which} of ${name} (${revoked})`);
    }
  } finally {
    await database.close();
  }
}

/**
 * `sm-server worker`: a process that takes bucket-import work from the queue on PostgreSQL and
 * serves no requests, for operators who run the analysis on other machines than the API.
 */
async function worker(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new UsageError(
      'sm-server worker needs DATABASE_URL (PostgreSQL): with PGlite, sm-server start does the work in its own process',
    );
  }
  if (config.bucketWorkers === 0)
    throw new UsageError('BUCKET_WORKERS=0 leaves a worker nothing to do');
  await mkdir(config.dataDir, { recursive: true });
  const database = await openDatabase(config);
  const services = await createServices(database, config).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const workers = await startBucketWorkers(
    services.queue,
    services.buckets,
    config.bucketWorkers,
    config.databaseUrl,
    console.error,
  );
  console.log(`worker: taking bucket-import work, ${config.bucketWorkers} objects at once`);
  const stop = (signal: string) => {
    console.log(`${signal}: stopping`);
    void (async () => {
      await services.queue.stop({ graceful: true, wait: true, timeout: 10_000 });
      await workers.stop();
      await services.events.close();
      await database.close();
    })().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'start' && rest.length === 0) return start();
  if (command === 'worker' && rest.length === 0) return worker();
  if (command === 'user') return user(rest);
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  throw new UsageError(command ? `unknown command "${argv.join(' ')}"` : 'no command given');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (
    error instanceof UsageError ||
    (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
  ) {
    console.error(`sm-server: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof ConfigError) {
    console.error(`sm-server: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof AppError) {
    console.error(`sm-server: ${error.message}`);
    process.exit(1);
  }
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE')
    console.error(`sm-server: the port is in use (${e.message}); set PORT to another one`);
  else console.error(`sm-server: ${e.message}`);
  process.exit(1);
});
