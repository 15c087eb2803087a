import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { SessionRoutes } from './session-routes.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>sm-server</title>
<p>The server is running. The web app is not built yet: run <code>npm run build</code>, or use
<code>sm-import</code> (INGEST_GUIDE.md) and the REST API (docs/operator.md).</p>`;

/**
 * Serves the built web app (client/dist) with an index.html fallback for its routes, and
 * turns `?token=TOKEN` into a session cookie (the sign-in link `sm-server start` prints; see
 * sessionRoutes). A session cookie that cannot be read is answered 401 and removed.
 */
export function webApp(session: SessionRoutes, clientDir: string) {
  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const token = url.searchParams.get('token');
    if (token !== null) return session.signInLink(req, res, url, token);
    if (session.refuseMalformedCookie(req, res)) return;
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Malformed path.\n');
      return;
    }
    const relative = normalize(pathname).replace(/^(\.\.[/\\])+/, '');
    let file = join(clientDir, relative);
    if (!file.startsWith(clientDir) || !(await isFile(file))) file = join(clientDir, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(NOT_BUILT);
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      // Vite names what it puts in assets/ by content hash: those never change. Everything else
      // (index.html, the service worker, the manifest) must be checked each time.
      'cache-control': file.startsWith(join(clientDir, 'assets') + sep)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
