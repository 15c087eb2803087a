import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';

/** Where `sm-import login` keeps the server and token: $XDG_CONFIG_HOME/sm-import/config.json. */
export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'sm-import', 'config.json');
}

/** Where import runs keep their state: $XDG_STATE_HOME/sm-import (or SM_IMPORT_STATE_DIR). */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SM_IMPORT_STATE_DIR) return env.SM_IMPORT_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'sm-import');
}

const savedSchema = z.object({ server: z.string(), token: z.string() });

export interface Connection {
  /** Base URL without a trailing slash. */
  server: string;
  token: string;
}

/**
 * The server and token to use: flags first, then SM_SERVER / SM_TOKEN, then the file
 * `sm-import login` wrote.
 * @throws UsageError naming what is missing or malformed and how to give it.
 */
export async function resolveConnection(
  flags: { server?: string; token?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Connection> {
  let saved: z.infer<typeof savedSchema> | null;
  try {
    saved = savedSchema.parse(JSON.parse(await readFile(configFile(env), 'utf8')));
  } catch {
    saved = null;
  }
  const server = flags.server ?? env.SM_SERVER ?? saved?.server;
  const token = flags.token ?? env.SM_TOKEN ?? saved?.token;
  if (!server) {
    throw new UsageError(
      'no server: give --server URL, set SM_SERVER, or run `sm-import login --server URL --token TOKEN`',
    );
  }
  if (!token) {
    throw new UsageError(
      'no token: give --token TOKEN, set SM_TOKEN, or run `sm-import login` (sm-server start prints one for the local user)',
    );
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server must be a URL such as http://127.0.0.1:8420, got "${server}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--server must be an http:// or https:// URL, got "${server}"`);
  }
  return { server: url.href.replace(/\/+$/, ''), token };
}

/** Saves the connection for later runs (mode 600: the token is a secret). */
export async function saveConnection(
  connection: Connection,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const file = configFile(env);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(connection, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}
