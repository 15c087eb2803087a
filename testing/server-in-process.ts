import { loadConfig, startServer, type RunningServer } from '../server/src/index.js';
import { createServerData, type DatabaseKind } from './server-data.js';

/** The server running in the test's own process (its services at hand). */
export interface InProcessServer {
  url: string;
  server: RunningServer;
  dataDir: string;
  /** Stops the server and starts it again on the same port, data and database. */
  restart(): Promise<void>;
  /** Creates a user; returns its token. */
  addUser(
    name: string,
    quotas?: { quotaBytes?: number | null; quotaFiles?: number | null },
  ): Promise<string>;
  /** Stops the server, drops its database and removes its data folder. */
  close(): Promise<void>;
}

/**
 * Starts the real server in this process on a free loopback port over a fresh database: PGlite
 * in a temporary DATA_DIR, or a new database on TEST_DATABASE_URL's server (dropped at close).
 * `env` holds server settings (as the environment would); the server's log lines go to
 * `options.log` (nowhere by default).
 */
export async function startServerInProcess(
  kind: DatabaseKind,
  env: Record<string, string> = {},
  options: { log?: (line: string) => void } = {},
): Promise<InProcessServer> {
  const log = options.log ?? (() => {});
  const data = await createServerData({ database: kind });
  let server: RunningServer;
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ HOST: '127.0.0.1', PORT: '0', ...data.env, ...env });
    server = await startServer(config, log);
  } catch (error) {
    await data.dispose();
    throw error;
  }
  const port = Number(new URL(server.url).port);
  const handle: InProcessServer = {
    url: server.url,
    server,
    dataDir: data.dataDir,
    async restart() {
      await server.close();
      server = await startServer({ ...config, port }, log);
      handle.server = server;
    },
    async addUser(name, quotas) {
      return (await server.services.auth.addUser(name, quotas)).token;
    },
    async close() {
      await server.close();
      await data.dispose();
    },
  };
  return handle;
}
