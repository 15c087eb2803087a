import { tokenOfRequest, type AuthService, type RequestCredentials } from './auth.service.js';
import { hashToken } from './tokens.js';

/** What is needed of a WebSocket here. */
interface Closable {
  close(code?: number, reason?: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/** Close code of a connection whose token was revoked (1008: policy violation). */
const REVOKED_CLOSE_CODE = 1008;

/**
 * The open WebSocket connections of this process by the token they were opened with, so that
 * revoking a token (signing out, `sm-server user token revoke` in this process) ends them too:
 * a connection is authenticated once, when it opens.
 */
export function liveConnections(auth: AuthService) {
  const byToken = new Map<string, Set<Closable>>();
  auth.onRevoked((tokenHashes) => {
    for (const hash of tokenHashes) {
      const sockets = byToken.get(hash);
      byToken.delete(hash);
      for (const socket of sockets ?? []) socket.close(REVOKED_CLOSE_CODE, 'the token was revoked');
    }
  });
  return {
    /** Remembers an authenticated connection under the token of its credentials. */
    track(credentials: RequestCredentials, socket: Closable): void {
      let token: string | null;
      try {
        token = tokenOfRequest(credentials);
      } catch {
        return;
      }
      if (!token) return;
      const hash = hashToken(token);
      let sockets = byToken.get(hash);
      if (!sockets) byToken.set(hash, (sockets = new Set()));
      sockets.add(socket);
      socket.once('close', () => {
        sockets.delete(socket);
        if (sockets.size === 0 && byToken.get(hash) === sockets) byToken.delete(hash);
      });
    },
  };
}
