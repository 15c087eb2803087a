import { conflict, unauthorized, badRequest, notFound } from '../errors.js';
import type { UserRepository, UserRow } from '../users/user.repository.js';
import { hashToken, looksLikeToken, newToken } from './tokens.js';

export interface AuthUser {
  id: string;
  name: string;
  quotaBytes: number | null;
  quotaFiles: number | null;
}

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** A token's label: 1-100 printable characters. */
const TOKEN_LABEL = /^[^\p{Cc}]{1,100}$/u;

/** The headers a request may carry a token in. */
export interface RequestCredentials {
  authorization?: string | null;
  cookie?: string | null;
}

/** A token as operators see it: its label and when it was made (never its value). */
export interface TokenInfo {
  label: string;
  createdAt: Date;
}

export function toAuthUser(row: UserRow): AuthUser {
  return { id: row.id, name: row.name, quotaBytes: row.quotaBytes, quotaFiles: row.quotaFiles };
}

/** Users, tokens and who a request is. */
export class AuthService {
  private readonly revokedListeners = new Set<(tokenHashes: string[]) => void>();

  constructor(
    private readonly users: UserRepository,
    private readonly defaults: { quotaBytes: number | null; quotaFiles: number | null },
  ) {}

  /**
   * Creates a user and a first token (labelled `label`), which is returned here and never again.
   * @throws AppError BAD_REQUEST for a malformed name, CONFLICT when the name is taken.
   */
  async addUser(
    name: string,
    quotas: { quotaBytes?: number | null; quotaFiles?: number | null } = {},
    label = 'first token',
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
    await this.users.addToken(row.id, label, hashToken(token));
    return { user: toAuthUser(row), token };
  }

  /**
   * Issues another token for an existing user, replacing (revoking) any earlier token of that
   * label.
   * @throws AppError BAD_REQUEST for an unknown user or a malformed label.
   */
  async issueToken(userName: string, label: string): Promise<string> {
    if (!TOKEN_LABEL.test(label)) {
      throw badRequest(`token label "${label}" is not valid: use 1-100 printable characters`);
    }
    const row = await this.existingUser(userName);
    this.announceRevoked(await this.users.deleteTokensNamed(row.id, label));
    const token = newToken();
    await this.users.addToken(row.id, label, hashToken(token));
    return token;
  }

  /**
   * The labels and creation times of a user's tokens, oldest first.
   * @throws AppError BAD_REQUEST for an unknown user.
   */
  async listTokens(userName: string): Promise<TokenInfo[]> {
    const row = await this.existingUser(userName);
    const tokens = await this.users.listTokens(row.id);
    return tokens.map((t) => ({ label: t.name, createdAt: t.createdAt }));
  }

  /**
   * Revokes a user's tokens of one label, or all of them (`label` null); returns how many.
   * @throws AppError BAD_REQUEST for an unknown user, NOT_FOUND when no token has that label.
   */
  async revokeTokens(userName: string, label: string | null): Promise<number> {
    const row = await this.existingUser(userName);
    const hashes =
      label === null
        ? await this.users.deleteAllTokens(row.id)
        : await this.users.deleteTokensNamed(row.id, label);
    if (label !== null && hashes.length === 0) {
      throw notFound(
        `user "${userName}" has no token labelled "${label}": ` +
          `\`sm-server user token list ${userName}\` shows its labels`,
      );
    }
    this.announceRevoked(hashes);
    return hashes.length;
  }

  /**
   * Signs a request's token out: the token it authenticates with (the session cookie's, or its
   * Bearer token) is revoked, so neither it nor any copy of it works again.
   * @throws AppError UNAUTHORIZED like `authenticate`.
   */
  async signOut(headers: RequestCredentials): Promise<AuthUser> {
    const user = await this.authenticate(headers);
    const hash = hashToken(tokenOfRequest(headers)!);
    if (await this.users.deleteTokenByHash(hash)) this.announceRevoked([hash]);
    return user;
  }

  /**
   * Calls `listener` with the hashes of tokens revoked by this process (to end connections
   * that were opened with them); returns how to stop.
   */
  onRevoked(listener: (tokenHashes: string[]) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  private announceRevoked(tokenHashes: string[]): void {
    if (tokenHashes.length === 0) return;
    for (const listener of this.revokedListeners) listener(tokenHashes);
  }

  private async existingUser(userName: string): Promise<UserRow> {
    const row = await this.users.findByName(userName);
    if (!row) throw badRequest(`there is no user named "${userName}"`);
    return row;
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
  async authenticate(headers: RequestCredentials): Promise<AuthUser> {
    const token = tokenOfRequest(headers);
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

/**
 * The session cookie's token, if the Cookie header has one.
 * @throws AppError UNAUTHORIZED when the cookie's value is not valid percent-encoding.
 */
export function sessionTokenFromCookie(cookie: string | null): string | null {
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== SESSION_COOKIE) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      throw unauthorized(
        `the ${SESSION_COOKIE} session cookie is malformed: sign in again with your sign-in link`,
      );
    }
  }
  return null;
}

/**
 * The token a request carries: its Bearer token, else its session cookie's; null when neither.
 * @throws AppError UNAUTHORIZED for an Authorization header that is not "Bearer TOKEN" or a
 *   malformed session cookie.
 */
export function tokenOfRequest(headers: RequestCredentials): string | null {
  const bearer = headers.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (headers.authorization && !bearer) {
    throw unauthorized('the Authorization header must be "Bearer TOKEN"');
  }
  return bearer ?? sessionTokenFromCookie(headers.cookie ?? null);
}
