import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services.js';
import { sendJson } from './respond.js';

const PATTERN = /^\/api\/v1\/audio\/files\/([^/]+)\/similar$/;

/**
 * `GET /api/v1/audio/files/{id}/similar`: the caller's files linked to one of theirs as similar
 * (`{ items: [{ id, path, kind, duration_s, similarity }] }`, closest first). Authenticated like
 * the rest of REST v1; an unknown, malformed or other user's id is a 404 (an AppError, answered
 * by the caller's `answerError`).
 */
export function similarFilesRoute(services: Services) {
  return {
    matches: (pathname: string) => PATTERN.test(pathname),
    async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        sendJson(res, 405, {
          error: { code: 'METHOD_NOT_ALLOWED', message: `use GET for ${pathname}` },
        });
        return;
      }
      const user = await services.auth.authenticate({
        authorization: req.headers.authorization ?? null,
        cookie: req.headers.cookie ?? null,
      });
      sendJson(res, 200, await services.library.similar(user, PATTERN.exec(pathname)?.[1] ?? ''));
    },
  };
}
