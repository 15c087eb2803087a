import { parseArgs } from 'node:util';
import { mkdir } from 'node:fs/promises';
import { startServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { AppError } from './errors.js';
import { createServices } from './services.js';
import { ensureLocalUser, LOCAL_USER } from './local-user.js';

const USAGE = `usage:
  sm-server start                 start the server (HOST, PORT, DATA_DIR, DATABASE_URL, ...)
  sm-server user add NAME [--json] [--quota-bytes N] [--quota-files N]
                                  create a user and print its first token
  sm-server user token NAME [--json]
                                  print a new token for an existing user
Settings come from the environment; see INGEST_GUIDE.md.`;

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

async function user(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      'quota-bytes': { type: 'string' },
      'quota-files': { type: 'string' },
    },
  });
  const [action, name, ...extra] = positionals;
  if (!name || extra.length > 0 || (action !== 'add' && action !== 'token')) {
    throw new UsageError('expected `sm-server user add NAME` or `sm-server user token NAME`');
  }
  const config = loadConfig();
  await mkdir(config.dataDir, { recursive: true });
  const database = await openDatabase(config);
  try {
    const services = await createServices(database.db, config);
    if (action === 'add') {
      const { user, token } = await services.auth.addUser(name, {
        quotaBytes: quota(values['quota-bytes'], '--quota-bytes'),
        quotaFiles: quota(values['quota-files'], '--quota-files'),
      });
      if (values.json)
        console.log(JSON.stringify({ user: { id: user.id, name: user.name }, token }));
      else console.log(`created user ${user.name}\ntoken (shown once): ${token}`);
    } else {
      const token = await services.auth.issueToken(name, `token ${new Date().toISOString()}`);
      if (values.json) console.log(JSON.stringify({ user: { name }, token }));
      else console.log(`new token for ${name} (shown once): ${token}`);
    }
  } finally {
    await database.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'start' && rest.length === 0) return start();
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
