import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Services } from '../services.js';
import { parseRange } from './byte-range.js';
import { sendJson } from './respond.js';

const PATTERN = /^\/api\/v1\/audio\/files\/([^/]+)\/content$/;

/** Content types of the formats the importer stores (shared/decode's names, and plain `ogg`). */
const CONTENT_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  aiff: 'audio/aiff',
  caf: 'audio/x-caf',
  wavpack: 'audio/x-wavpack',
  wma: 'audio/x-ms-wma',
  au: 'audio/basic',
  flac: 'audio/flac',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  'ogg-vorbis': 'audio/ogg',
  opus: 'audio/ogg',
};

/** The content type of a stored format; `application/octet-stream` for any other. */
export function contentTypeOf(format: string | null): string {
  return (format !== null && CONTENT_TYPES[format]) || 'application/octet-stream';
}

/**
 * `GET /api/v1/audio/files/{id}/content`: the stored bytes of one of the caller's files, to
 * play in the web app, with single-range support (206; 416 with the size in `content-range`).
 * Authenticated like the rest of REST v1; an unknown, malformed or other user's id is a 404
 * (an AppError, answered by the caller's `answerError`).
 */
export function fileContentRoute(services: Services) {
  return {
    matches: (pathname: string) => PATTERN.test(pathname),
    async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        sendJson(res, 405, {
          error: { code: 'METHOD_NOT_ALLOWED', message: `use GET or HEAD for ${pathname}` },
        });
        return;
      }
      const user = await services.auth.authenticate({
        authorization: req.headers.authorization ?? null,
        cookie: req.headers.cookie ?? null,
      });
      const file = await services.library.content(user, PATTERN.exec(pathname)?.[1] ?? '');
      const etag = `"${file.contentHash}"`;
      const ifRange = req.headers['if-range'];
      const range =
        ifRange === undefined || ifRange === etag
          ? parseRange(req.headers.range, file.sizeBytes)
          : null;
      if (range === 'unsatisfiable') {
        res.setHeader('content-range', `bytes */${file.sizeBytes}`);
        sendJson(res, 416, {
          error: {
            code: 'RANGE_NOT_SATISFIABLE',
            message: `the file has ${file.sizeBytes} bytes; ask for a range within them`,
          },
        });
        return;
      }
      const length = range ? range.end - range.start + 1 : file.sizeBytes;
      const wantsBody = req.method !== 'HEAD' && length > 0;
      // Opened before the head is sent: a store that cannot serve the object answers 5xx.
      const body = wantsBody ? await file.read(range ?? undefined) : null;
      res.writeHead(range ? 206 : 200, {
        'content-type': contentTypeOf(file.format),
        'content-length': length,
        'accept-ranges': 'bytes',
        'cache-control': 'private, no-cache',
        etag,
        'x-content-type-options': 'nosniff',
        ...(range
          ? { 'content-range': `bytes ${range.start}-${range.end}/${file.sizeBytes}` }
          : {}),
      });
      if (!body) {
        res.end();
        return;
      }
      try {
        await pipeline(body, res);
      } catch (error) {
        // A listener that stops playing or seeks closes the connection: nothing went wrong.
        if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
      }
    },
  };
}
