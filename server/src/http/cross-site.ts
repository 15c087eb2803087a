import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { badRequest, forbidden } from '../errors.js';

/**
 * What keeps other sites' pages from acting with a browser's session cookie (CSRF): the
 * `Origin` of a state-changing request must be this server, and REST bodies must be JSON, which
 * no plain HTML form can send. Requests with an `Authorization` header are not checked: a page
 * of another site cannot add one, nor does it know the token.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The first value of a header that may be repeated or a comma-separated list. */
function firstValue(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0]?.trim();
  return first ? first : null;
}

/**
 * Whether the request reached the client's side over HTTPS: on a TLS socket, or (with
 * `trustProxy`) per the `X-Forwarded-Proto` a reverse proxy set.
 */
export function isHttps(req: IncomingMessage, trustProxy: boolean): boolean {
  if ((req.socket as TLSSocket).encrypted === true) return true;
  return trustProxy && firstValue(req.headers['x-forwarded-proto'])?.toLowerCase() === 'https';
}

/**
 * The `host[:port]` the client addressed: `X-Forwarded-Host` when `trustProxy` is on and a proxy
 * set it, else the `Host` header; null when there is neither.
 */
export function addressedHost(req: IncomingMessage, trustProxy: boolean): string | null {
  const forwarded = trustProxy ? firstValue(req.headers['x-forwarded-host']) : null;
  return forwarded ?? req.headers.host ?? null;
}

/** Whether an `Origin` value names the host the client addressed (`null` and junk never do). */
function isOwnOrigin(origin: string, host: string | null): boolean {
  if (!host) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  try {
    // Parsed with the origin's scheme, so that a default port compares equal to none.
    return new URL(`${parsed.protocol}//${host}`).host === parsed.host;
  } catch {
    return false;
  }
}

/**
 * The request's `Origin` when it names another site than this server; null when it is this
 * server's or absent (a command-line client, `sm-import`, curl).
 */
export function foreignOrigin(req: IncomingMessage, trustProxy: boolean): string | null {
  const origin = firstValue(req.headers.origin);
  if (origin === null) return null;
  return isOwnOrigin(origin, addressedHost(req, trustProxy)) ? null : origin;
}

/**
 * Refuses a state-changing request (not GET, HEAD or OPTIONS) without an `Authorization` header
 * (so signed in by the session cookie, if at all) whose `Origin` is another site.
 * @throws AppError FORBIDDEN naming the origin and what to do instead.
 */
export function assertNotCrossSite(req: IncomingMessage, trustProxy: boolean): void {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return;
  if (req.headers.authorization !== undefined) return;
  const origin = foreignOrigin(req, trustProxy);
  if (origin === null) return;
  throw forbidden(
    `refused: this ${req.method} came from a page of ${origin.slice(0, 200)}, not of this server. ` +
      'The session cookie is only taken from the server’s own pages; other clients send ' +
      '"Authorization: Bearer TOKEN". Behind a reverse proxy, set TRUST_PROXY=1 and have it ' +
      'send X-Forwarded-Host.',
  );
}

/**
 * Whether a cross-site fetch metadata header says the request was sent by another site's page
 * (`Sec-Fetch-Site: cross-site` or `same-site`). Absent (older browsers, other clients),
 * `none` (a typed or pasted address) and `same-origin` do not.
 */
export function sentByAnotherSite(req: IncomingMessage): boolean {
  const site = firstValue(req.headers['sec-fetch-site'])?.toLowerCase();
  return site === 'cross-site' || site === 'same-site';
}

/**
 * Refuses a POST body that is not JSON: its `Content-Type` must be `application/json`, or the
 * body empty (no `Content-Type`, no bytes), as `sm-import` sends `…/retry`.
 * @throws AppError BAD_REQUEST saying which Content-Type to send.
 */
export function assertJsonOrEmptyBody(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (type !== undefined) {
    if (/^application\/json\s*(;|$)/i.test(type.trim())) return;
    throw badRequest(
      `the body must be JSON (Content-Type: application/json), not ${type.slice(0, 100)}`,
    );
  }
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? '0') > 0;
  if (hasBody) {
    throw badRequest(
      'the body must be JSON: send it with Content-Type: application/json (or send no body)',
    );
  }
}
