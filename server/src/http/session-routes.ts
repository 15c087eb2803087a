import type { IncomingMessage, ServerResponse } from 'node:http';
import { sessionTokenFromCookie, type AuthService } from '../auth/auth.service.js';
import { clearedSessionCookie, sessionCookie } from '../auth/session-cookie.js';
import { AppError, badRequest, forbidden, payloadTooLarge, unauthorized } from '../errors.js';
import { foreignOrigin, isHttps, sentByAnotherSite } from './cross-site.js';
import { sameOriginPath } from './redirect-path.js';
import { sendJson } from './respond.js';
import {
  confirmSignInPage,
  malformedCookiePage,
  UNFRAMEABLE_PAGE_HEADERS,
} from './sign-in-page.js';

export const SESSION_PATH = '/api/v1/session';
export const SIGN_OUT_PATH = `${SESSION_PATH}/sign-out`;

/** The sign-in form carries a token and a path: a few hundred bytes. */
const MAX_FORM_BYTES = 8 * 1024;

const INVALID_LINK =
  'This sign-in link is not valid: its token is unknown or was revoked (signed out). Ask the ' +
  'operator for a new one (`sm-server user token NAME`); for the local user, restart ' +
  '`sm-server start`, which prints a new link.';

/** Reads a small request body; the rest of a larger one is dropped and refused with 413. */
async function readSmallBody(req: IncomingMessage, limit: number): Promise<string> {
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    throw payloadTooLarge(`the sign-in form may have at most ${limit} bytes`);
  }
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else req.pause();
      if (size > limit) reject(payloadTooLarge(`the sign-in form may have at most ${limit} bytes`));
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The `token` and `next` fields of the sign-in form (urlencoded, as the page sends it, or JSON). */
async function readSignInForm(req: IncomingMessage): Promise<{ token: string; next: string }> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const body = await readSmallBody(req, MAX_FORM_BYTES);
  let fields: { token?: unknown; next?: unknown };
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(body);
    fields = { token: form.get('token'), next: form.get('next') };
  } else if (/^application\/json\s*(;|$)/.test(type)) {
    try {
      fields = (JSON.parse(body) ?? {}) as typeof fields;
    } catch (error) {
      throw badRequest(`the body is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    throw badRequest(
      'send the sign-in form as application/x-www-form-urlencoded or JSON, with a "token" field',
    );
  }
  if (typeof fields.token !== 'string' || !fields.token) {
    throw badRequest('the sign-in form has no "token": open the sign-in link again');
  }
  return { token: fields.token, next: typeof fields.next === 'string' ? fields.next : '/' };
}

/**
 * Sign-in and sign-out, with the session cookie (HttpOnly, SameSite=Strict, and Secure when the
 * request came over HTTPS, per a trusted proxy's `X-Forwarded-Proto` too):
 * - the sign-in link, `GET /any/page?token=TOKEN` (what `sm-server start` prints), sets the
 *   cookie and redirects (303) to the same path of this server without the token. When a page
 *   of another site sent the browser there (`Sec-Fetch-Site: cross-site` or `same-site`), it
 *   sets nothing and asks first ("Sign in as USER?"), so that no site can sign a visitor in
 *   as its own user;
 * - `POST /api/v1/session` (`token`, `next`: that page's form) signs in; refused (403) from
 *   another site's page;
 * - `POST /api/v1/session/sign-out` or `DELETE /api/v1/session` revokes the token the request
 *   is signed in with and removes the cookie.
 */
export function sessionRoutes(auth: AuthService, options: { trustProxy: boolean }) {
  const secure = (req: IncomingMessage) => isHttps(req, options.trustProxy);

  async function signInPost(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = foreignOrigin(req, options.trustProxy);
    if (origin !== null || sentByAnotherSite(req)) {
      throw forbidden(
        `refused: a sign-in must come from this server's own page, not from ${origin ?? 'another site'}. ` +
          'Open the sign-in link itself.',
      );
    }
    const { token, next } = await readSignInForm(req);
    const user = await auth.userForToken(token);
    if (!user) throw unauthorized(INVALID_LINK);
    const target = new URL(next, 'http://localhost');
    res.writeHead(303, {
      location: sameOriginPath(target.pathname, target.search),
      'set-cookie': sessionCookie(token, secure(req)),
      'cache-control': 'no-store',
    });
    res.end();
  }

  async function signOut(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The cookie goes whether or not its token still works: the browser is signed out either way.
    if (req.headers.cookie) res.setHeader('set-cookie', clearedSessionCookie(secure(req)));
    const user = await auth.signOut({
      authorization: req.headers.authorization ?? null,
      cookie: req.headers.cookie ?? null,
    });
    sendJson(res, 200, { signed_out: true, user: { name: user.name } });
  }

  return {
    /**
     * Answers the sign-in link, `?token=TOKEN` on a page of the web app (see above).
     * `url` is the request's URL; the redirect keeps its path (on this server) and query.
     */
    async signInLink(
      req: IncomingMessage,
      res: ServerResponse,
      url: URL,
      token: string,
    ): Promise<void> {
      const user = await auth.userForToken(token);
      const rest = new URL(url.href);
      rest.searchParams.delete('token');
      const next = sameOriginPath(rest.pathname, rest.search);
      if (!user) {
        res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${INVALID_LINK}\n`);
        return;
      }
      if (sentByAnotherSite(req)) {
        res.writeHead(200, UNFRAMEABLE_PAGE_HEADERS);
        const page = confirmSignInPage({ userName: user.name, token, next, action: SESSION_PATH });
        res.end(req.method === 'HEAD' ? undefined : page);
        return;
      }
      res.writeHead(303, {
        location: next,
        'set-cookie': sessionCookie(token, secure(req)),
        'cache-control': 'no-store',
      });
      res.end();
    },

    /**
     * When the request's session cookie cannot be read, answers 401 with a page that says so
     * and removes the cookie, and returns true; false (nothing sent) otherwise.
     */
    refuseMalformedCookie(req: IncomingMessage, res: ServerResponse): boolean {
      try {
        sessionTokenFromCookie(req.headers.cookie ?? null);
        return false;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        res.writeHead(401, {
          ...UNFRAMEABLE_PAGE_HEADERS,
          'set-cookie': clearedSessionCookie(secure(req)),
        });
        res.end(req.method === 'HEAD' ? undefined : malformedCookiePage());
        return true;
      }
    },

    matches: (pathname: string) => pathname === SESSION_PATH || pathname === SIGN_OUT_PATH,

    /** Answers `POST /api/v1/session`, `POST …/sign-out` and `DELETE /api/v1/session`. */
    async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
      if (pathname === SESSION_PATH && req.method === 'POST') return signInPost(req, res);
      if (pathname === SESSION_PATH && req.method === 'DELETE') return signOut(req, res);
      if (pathname === SIGN_OUT_PATH && req.method === 'POST') return signOut(req, res);
      const allowed = pathname === SESSION_PATH ? 'POST, DELETE' : 'POST';
      res.setHeader('allow', allowed);
      sendJson(res, 405, {
        error: {
          code: 'METHOD_NOT_ALLOWED',
          message: `use ${allowed.replace(', ', ' or ')} for ${pathname}`,
        },
      });
    },
  };
}

export type SessionRoutes = ReturnType<typeof sessionRoutes>;
