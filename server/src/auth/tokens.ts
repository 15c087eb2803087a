import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'smt_';

/** A new API token: 32 random bytes, base64url, with a prefix that makes leaked ones greppable. */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** What the database stores of a token: its SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether a string has the shape of a token (checked before any database lookup). */
export function looksLikeToken(token: string): boolean {
  return /^smt_[A-Za-z0-9_-]{43}$/.test(token);
}
