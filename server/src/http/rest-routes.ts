import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services.js';
import { badRequest, notFound } from '../errors.js';
import { readJson, sendJson } from './respond.js';
import { assertJsonOrEmptyBody } from './cross-site.js';
import { isUuid } from '../validation.js';
import type { AuthUser } from '../auth/auth.service.js';

const PREFIX = '/api/v1/audio/bulk-import';

type Handler = (ctx: {
  user: AuthUser;
  req: IncomingMessage;
  jobId: string;
}) => Promise<[number, unknown]>;

/** The REST v1 door to the services (docs/architecture.md); tRPC is the other. */
export function restRoutes(services: Services) {
  const { jobs, library } = services;
  const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
    {
      method: 'POST',
      pattern: /^\/init$/,
      handler: async ({ user, req }) => [201, await jobs.init(user, await readJson(req))],
    },
    {
      method: 'POST',
      pattern: /^\/ingest$/,
      handler: async ({ user, req }) => [200, await jobs.ingest(user, await readJson(req))],
    },
    {
      method: 'POST',
      pattern: /^\/check$/,
      handler: async ({ user, req }) => [200, await library.check(user, await readJson(req))],
    },
    {
      method: 'GET',
      pattern: /^\/([^/]+)\/status$/,
      handler: async ({ user, jobId }) => [200, await jobs.status(user, jobId)],
    },
    {
      method: 'POST',
      pattern: /^\/([^/]+)\/cancel$/,
      handler: async ({ user, jobId }) => [200, await jobs.cancel(user, jobId)],
    },
    {
      method: 'POST',
      pattern: /^\/([^/]+)\/retry$/,
      handler: async ({ user, jobId }) => [200, await jobs.retry(user, jobId)],
    },
    {
      method: 'GET',
      pattern: /^\/([^/]+)\/events$/,
      handler: async ({ user, jobId }) => [200, await jobs.snapshot(user, jobId)],
    },
    {
      method: 'GET',
      pattern: /^\/jobs$/,
      handler: async ({ user }) => [200, { jobs: await jobs.list(user) }],
    },
  ];

  /** Whether this request is one of ours; answers it when it is. */
  return {
    matches: (pathname: string) => pathname === PREFIX || pathname.startsWith(`${PREFIX}/`),
    async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
      const rest = pathname.slice(PREFIX.length);
      const candidates = routes.filter((r) => r.pattern.test(rest));
      if (candidates.length === 0) throw notFound(`no endpoint ${req.method} ${pathname}`);
      const route = candidates.find((r) => r.method === req.method);
      if (!route) {
        res.setHeader('allow', candidates.map((r) => r.method).join(', '));
        sendJson(res, 405, {
          error: {
            code: 'METHOD_NOT_ALLOWED',
            message: `use ${candidates.map((r) => r.method).join(' or ')} for ${pathname}`,
          },
        });
        return;
      }
      // No HTML form can send JSON: a POST's body must be JSON, or empty (`…/cancel`, `…/retry`).
      if (route.method === 'POST') assertJsonOrEmptyBody(req);
      const user = await services.auth.authenticate({
        authorization: req.headers.authorization ?? null,
        cookie: req.headers.cookie ?? null,
      });
      // A UUID has nothing to percent-decode: anything else is refused as it came.
      const jobId = route.pattern.exec(rest)?.[1] ?? '';
      if (jobId && !isUuid(jobId)) {
        throw badRequest(`job id "${jobId.slice(0, 100)}" is not a UUID`);
      }
      const [status, body] = await route.handler({ user, req, jobId });
      sendJson(res, status, body);
    },
  };
}
