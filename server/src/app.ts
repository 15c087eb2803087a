import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import type { ServerConfig } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/database.js';
import { AppError, notFound } from './errors.js';
import { fileContentRoute } from './http/file-content.js';
import { refingerprintRoute } from './http/refingerprint-route.js';
import { restRoutes } from './http/rest-routes.js';
import { similarFilesRoute } from './http/similar-files.js';
import { answerError, sendJson } from './http/respond.js';
import { webApp } from './http/web-app.js';
import { assertNotCrossSite, foreignOrigin, isHttps } from './http/cross-site.js';
import { sessionRoutes } from './http/session-routes.js';
import { liveConnections } from './auth/live-connections.js';
import { clearedSessionCookie } from './auth/session-cookie.js';
import { createServices, type Services } from './services.js';
import { startBucketWorkers } from './buckets/bucket-workers.js';
import { appRouter } from './trpc/app.router.js';
import type { TrpcContext } from './trpc/trpc.js';
import { createTusEndpoint } from './uploads/tus-endpoint.js';
import { requestBounds } from './http/request-bounds.js';
import { retryAfterMeta } from './http/trpc-bounds.js';

export interface RunningServer {
  /** http://HOST:PORT */
  url: string;
  services: Services;
  database: DatabaseHandle;
  /** Removes expired unfinished uploads and puts their entries back in line (also every 15 min). */
  cleanUpUploads(): Promise<void>;
  close(): Promise<void>;
}

const CLEANUP_INTERVAL_MS = 15 * 60_000;
/** The periodic clean-up leaves uploads touched this recently to the requests on them. */
const RECONCILE_QUIET_MS = 5 * 60_000;

function clientDist(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.includes('/dist/')
    ? join(here, '../../../client/dist')
    : join(here, '../../client/dist');
}

async function trpcContext(
  services: Services,
  headers: { authorization?: string | null; cookie?: string | null },
  clearSessionCookie: (() => void) | null = null,
): Promise<TrpcContext> {
  const session = { credentials: headers, clearSessionCookie };
  try {
    return {
      services,
      user: await services.auth.authenticate(headers),
      authError: null,
      ...session,
    };
  } catch (error) {
    if (error instanceof AppError) return { services, user: null, authError: error, ...session };
    throw error;
  }
}

/**
 * Opens the database (running migrations), builds the services and starts one HTTP server
 * with the REST API, tRPC over HTTP and WebSocket (`/trpc`), tus uploads and the web app.
 */
export async function startServer(
  config: ServerConfig,
  log: (line: string) => void = console.error,
): Promise<RunningServer> {
  const database = await openDatabase(config);
  const services = await createServices(database, config, log).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const rest = restRoutes(services);
  const fileContent = fileContentRoute(services);
  const similarFiles = similarFilesRoute(services);
  const refingerprint = refingerprintRoute(services);
  const uploads = createTusEndpoint(services, { expiryMs: config.uploadExpiryMs, log });
  const bounds = requestBounds(config, log);
  // Uploads a crash left complete but uncommitted are committed before any client asks.
  const unsettled = (uploadId: string, error: unknown) =>
    log(
      `upload ${uploadId} is complete but could not be committed now (kept for the next try): ${error instanceof Error ? error.message : String(error)}`,
    );
  const settled = await services.uploads.reconcileUploads(0, unsettled);
  if (settled > 0) log(`committed ${settled} uploads that were complete but not yet committed`);
  const session = sessionRoutes(services.auth, { trustProxy: config.trustProxy });
  const web = webApp(session, clientDist());
  const trpcHttp = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    responseMeta: retryAfterMeta,
    onError: bounds.logTrpcFailure,
    createContext: ({ req, res }) =>
      trpcContext(
        services,
        { authorization: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null },
        () => res.appendHeader('set-cookie', clearedSessionCookie(isHttps(req, config.trustProxy))),
      ),
  });
  const trpcDoor = bounds.trpcHttp(trpcHttp, services.auth);
  const logError = (error: unknown) =>
    typeof error === 'string'
      ? log(error)
      : log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refused = bounds.admit(req, res, url); // an address past its token failures: 429
    try {
      if (refused && !url.pathname.startsWith('/trpc/')) throw refused;
      // Cookie-signed state changes only from this server's own pages (CSRF).
      assertNotCrossSite(req, config.trustProxy);
      if (session.matches(url.pathname)) return await session.handle(req, res, url.pathname);
      if (uploads.matches(url.pathname)) return await uploads.handle(req, res);
      if (rest.matches(url.pathname)) return await rest.handle(req, res, url.pathname);
      if (fileContent.matches(url.pathname))
        return await fileContent.handle(req, res, url.pathname);
      if (similarFiles.matches(url.pathname))
        return await similarFiles.handle(req, res, url.pathname);
      if (refingerprint.matches(url.pathname)) return await refingerprint.handle(req, res);
      if (url.pathname.startsWith('/trpc/')) return await trpcDoor(req, res, refused);
      if (url.pathname === '/healthz')
        return sendJson(res, 200, { ok: true, database: database.kind });
      if (url.pathname.startsWith('/api/'))
        throw notFound(`no endpoint ${req.method} ${url.pathname}`);
      return await web(req, res, url);
    } catch (error) {
      answerError(req, res, error, logError);
    }
  };
  const server: Server = createServer(bounds.serverOptions, (req, res) => void handle(req, res));
  bounds.watch(server);

  const wss = new WebSocketServer({ noServer: true, maxPayload: config.limits.maxWsMessageBytes });
  const connections = liveConnections(services.auth);
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: async ({ req, res: socket, info }) => {
      const params = info.connectionParams ?? {};
      const token = typeof params.token === 'string' ? params.token : null;
      const credentials = {
        authorization: token ? `Bearer ${token}` : (req.headers.authorization ?? null),
        cookie: req.headers.cookie ?? null,
      };
      const context: TrpcContext = {
        ...(await trpcContext(services, credentials)),
        reauthenticate: () => services.auth.authenticate(credentials),
      };
      if (context.user) connections.track(credentials, socket); // closed when it is revoked
      return bounds.admitLive(context, req, socket);
    },
    maxBatchSize: config.limits.maxTrpcBatchCalls,
    onError: bounds.logTrpcFailure,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
  });
  server.on('upgrade', (req, socket, head) => {
    if (!(req.url ?? '').startsWith('/trpc')) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    if (bounds.refuseUpgrade(req, socket)) return; // an address past its token failures: 429
    // A browser always sends its page's Origin: another site's page may not use the cookie.
    if (foreignOrigin(req, config.trustProxy) !== null) {
      socket.end(
        'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n' +
          'refused: this WebSocket was opened by a page of another site than this server\n',
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const cleanUp = async () => {
    try {
      await services.uploads.reconcileUploads(RECONCILE_QUIET_MS, unsettled);
      const expired = await uploads.cleanUpExpired();
      const released = await services.uploads.releaseStale(
        new Date(Date.now() - config.uploadExpiryMs),
      );
      if (expired + released > 0)
        log(`cleaned up ${expired} expired uploads; ${released} entries wait for a new upload`);
    } catch (error) {
      logError(error);
    }
  };
  const timer = setInterval(() => void cleanUp(), CLEANUP_INTERVAL_MS);
  timer.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (error) {
    await services.queue.stop({ graceful: false, wait: true });
    await services.events.close();
    await database.close();
    throw error;
  }
  void cleanUp();
  const bucketWorkers = await startBucketWorkers(
    services.queue,
    services.buckets,
    config.bucketWorkers,
    config.databaseUrl,
    log,
  );
  // Files stored with an outdated fingerprint get a new one from their bytes, in the background.
  services.refingerprint.start(log);
  services.timbreBackfill.start(log);
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  return {
    url: `http://${host}:${port}`,
    services,
    database,
    cleanUpUploads: cleanUp,
    async close() {
      clearInterval(timer);
      wsHandler.broadcastReconnectNotification();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.refingerprint.stop();
      await services.timbreBackfill.stop();
      await services.queue.stop({ graceful: true, wait: true, timeout: 10_000 });
      await bucketWorkers.stop();
      await services.events.close();
      await database.close();
    },
  };
}
