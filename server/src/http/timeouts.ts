import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { requestTimeout } from '../errors.js';
import type { ServerLimits } from '../limits.js';

/**
 * The `http.createServer` options that bound how long a client may take: to send its headers
 * (408), its whole request (408: a tus chunk of 8 MB on a slow link fits in the default 10 min),
 * and to send its next request on a kept-alive connection. Node checks the first two every
 * `connectionsCheckingInterval`, here a quarter of the shorter one (at most 30 s).
 */
export function serverTimeouts(limits: ServerLimits): ServerOptions {
  return {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(
      50,
      Math.min(30_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
    ),
  };
}

/** Answers this module closed as idle (their closing is logged here, not as a client gone). */
export const closedAsIdle = new WeakSet<ServerResponse>();

/**
 * Closes a connection on which nothing moved for `limits.idleTimeoutMs` while the client owes
 * bytes (the rest of its request: answered 408 if nothing was answered yet) or does not read its
 * answer. A connection whose request is whole and whose answer the server is still working on
 * (a commit, a large preflight) is left alone. WebSocket connections have their own pings.
 */
export function closeIdleConnections(
  server: Server,
  limits: ServerLimits,
  log: (line: string) => void,
): void {
  const current = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    current.set(socket, { req, res });
    res.once('close', () => {
      if (current.get(socket)?.res === res) current.delete(socket);
    });
  });
  server.setTimeout(limits.idleTimeoutMs);
  server.on('timeout', (socket: Socket) => {
    const active = current.get(socket);
    if (active && active.req.complete && !active.res.headersSent) return; // the server works
    if (active) {
      closedAsIdle.add(active.res);
      const path = new URL(active.req.url ?? '/', 'http://localhost').pathname;
      const seconds = Math.round(limits.idleTimeoutMs / 100) / 10;
      log(
        `closed an idle connection: ${active.req.method} ${path} (nothing moved for ${seconds} s)`,
      );
      if (!active.res.headersSent && socket.writable) {
        const body = JSON.stringify(
          requestTimeout(
            `the request stopped arriving: nothing came for ${seconds} s; send it again (an upload resumes where it stopped)`,
          ).toBody(),
        );
        socket.end(
          'HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n' +
            `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
        socket.once('finish', () => socket.destroy());
        return;
      }
    }
    socket.destroy();
  });
}
