import { SESSION_COOKIE } from './auth.service.js';

/** A year: the session lasts until the user signs out or the token is revoked. */
const MAX_AGE_S = 31_536_000;

/**
 * The `Set-Cookie` value that signs a browser in with `token`: HttpOnly, SameSite=Strict, and
 * `Secure` when the request came over HTTPS (`secure`).
 */
export function sessionCookie(token: string, secure: boolean): string {
  return (
    `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; ` +
    `Max-Age=${MAX_AGE_S}${secure ? '; Secure' : ''}`
  );
}

/** The `Set-Cookie` value that removes the session cookie (signing out, a malformed cookie). */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
