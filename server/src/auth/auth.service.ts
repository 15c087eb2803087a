import { conflict, unauthorized, badRequest } from '../errors.js';
import type { UserRepository, UserRow } from '../users/user.repository.js';
import { hashToken, looksLikeToken, newToken } from './tokens.js';

export interface AuthUser {
  id: string;
  name: string;
  quotaBytes: number | null;
  quotaFiles: number | null;
}

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function toAuthUser(row: UserRow): AuthUser {
  return { id: row.id, name: row.name, quotaBytes: row.quotaBytes, quotaFiles: row.quotaFiles };
}

/** Users, tokens and who a request is. */
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly defaults: { quotaBytes: number | null; quotaFiles: number | null },
  ) {}

  /**
   * Creates a user and a first token, which is returned here and never again.
   * @throws AppError BAD_REQUEST for a malformed name, CONFLICT when the name is taken.
   */
  async addUser(
    name: string,
    quotas: { quotaBytes?: number | null; quotaFiles?: number | null } = {},
  ): Promise<{ user: AuthUser; token: string }> {
    if (!USER_NAME.test(name)) {
      throw badRequest(
        `user name "${name}" is not valid: use 1-64 letters, digits, '.', '_', '@' or '-'`,
      );
    }
    const row = await this.users.create({
      name,
      quotaBytes: quotas.quotaBytes !== undefined ? quotas.quotaBytes : this.defaults.quotaBytes,
      quotaFiles: quotas.quotaFiles !== undefined ? quotas.quotaFiles : this.defaults.quotaFiles,
    });
    if (!row) throw conflict(`a user named "${name}" already exists`);
    const token = newToken();
    await this.users.addToken(row.id, 'first token', hashToken(token));
    return { user: toAuthUser(row), token };
  }

  /** Issues another token for an existing user, replacing any earlier token of that name. */
  async issueToken(userName: string, tokenName: string): Promise<string> {
    const row = await this.users.findByName(userName);
    if (!row) throw badRequest(`there is no user named "${userName}"`);
    await this.users.deleteTokensNamed(row.id, tokenName);
    const token = newToken();
    await this.users.addToken(row.id, tokenName, hashToken(token));
    return token;
  }

  /** The user a token belongs to, or null when the token is unknown (or not a token at all). */
  async userForToken(token: string): Promise<AuthUser | null> {
    if (!looksLikeToken(token)) return null;
    const row = await this.users.findByTokenHash(hashToken(token));
    return row ? toAuthUser(row) : null;
  }

  /**
   * The user a request is, from `Authorization: Bearer TOKEN` or the session cookie.
   * @throws AppError UNAUTHORIZED saying which of the two was missing or wrong.
   */
  async authenticate(headers: {
    authorization?: string | null;
    cookie?: string | null;
  }): Promise<AuthUser> {
    const bearer = headers.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (headers.authorization && !bearer) {
      throw unauthorized('the Authorization header must be "Bearer TOKEN"');
    }
    const token = bearer ?? sessionTokenFromCookie(headers.cookie ?? null);
    if (!token) {
      throw unauthorized(
        'no token: send "Authorization: Bearer TOKEN" (sm-server user add NAME prints one)',
      );
    }
    const user = await this.userForToken(token);
    if (!user) throw unauthorized('the token is not valid: it is unknown or was revoked');
    return user;
  }
}

export const SESSION_COOKIE = 'sm_session';

/** The session cookie's token, if the Cookie header has one. */
export function sessionTokenFromCookie(cookie: string | null): string | null {
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}
