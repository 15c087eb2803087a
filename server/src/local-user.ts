import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuthService } from './auth/auth.service.js';

export const LOCAL_USER = 'local';
/** The label of the local user's token (`sm-server user token list local` shows it). */
export const SIGN_IN_LINK_LABEL = 'sign-in link';

/**
 * The embedded default's one user and its sign-in token. The token is kept in
 * DATA_DIR/local-user.token (mode 600) so that the printed link, and any `sm-import` set up
 * with it, keep working across restarts. A saved token that was revoked (signed out in the
 * web app, or `sm-server user token revoke`) is replaced by a new one.
 */
export async function ensureLocalUser(auth: AuthService, dataDir: string): Promise<string> {
  const file = join(dataDir, 'local-user.token');
  const saved = await readFile(file, 'utf8').then(
    (s) => s.trim(),
    () => null,
  );
  if (saved && (await auth.userForToken(saved))?.name === LOCAL_USER) return saved;
  let token: string;
  try {
    token = (await auth.addUser(LOCAL_USER, {}, SIGN_IN_LINK_LABEL)).token;
  } catch {
    token = await auth.issueToken(LOCAL_USER, SIGN_IN_LINK_LABEL);
  }
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}
