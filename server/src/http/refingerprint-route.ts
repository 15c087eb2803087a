import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services.js';
import { sendJson } from './respond.js';

const PATH = '/api/v1/audio/refingerprint';

/**
 * `GET /api/v1/audio/refingerprint`: how far the server's re-fingerprinting of stored files has
 * come, for the caller's library (`RefingerprintProgress`). Authenticated like the rest of
 * REST v1; failures are AppErrors, answered by the caller's `answerError`.
 */
export function refingerprintRoute(services: Services) {
  return {
    matches: (pathname: string) => pathname === PATH,
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        sendJson(res, 405, {
          error: { code: 'METHOD_NOT_ALLOWED', message: `use GET for ${PATH}` },
        });
        return;
      }
      const user = await services.auth.authenticate({
        authorization: req.headers.authorization ?? null,
        cookie: req.headers.cookie ?? null,
      });
      sendJson(res, 200, await services.refingerprint.progress(user));
    },
  };
}
