import type { IncomingMessage, ServerResponse } from 'node:http';
import { EVENTS, Server as TusServer } from '@tus/server';
import { UploadFileStore } from './upload-file-store.js';
import { tusFailureAnswer } from './tus-failures.js';
import { AppError, httpStatusOf } from '../errors.js';
import type { AuthUser } from '../auth/auth.service.js';
import type { Services } from '../services.js';
import type { CommitResult } from './upload.service.js';

export const UPLOAD_PATH = '/api/v1/uploads';

function headersOf(req: Request) {
  return { authorization: req.headers.get('authorization'), cookie: req.headers.get('cookie') };
}

/**
 * Each request is authenticated once, before tus reads any of it, though several hooks of tus
 * see it: keyed by its Node request, which tus's web Request carries.
 */
const usersOfRequests = new WeakMap<object, Promise<AuthUser>>();

function nodeRequestOf(req: Request): object {
  return (req as { runtime?: { node?: { req?: object } } }).runtime?.node?.req ?? req;
}

/** tus errors are `{ status_code, body }`; the body is the same JSON as the REST API's. */
function asTusError(error: unknown): unknown {
  if (error instanceof AppError) {
    return {
      status_code: httpStatusOf(error.code),
      body: JSON.stringify(error.toBody()),
    };
  }
  return error;
}

/** The headers that tell a client its entry's bytes are committed, and as what. */
function outcomeHeaders(result: CommitResult): Record<string, string> {
  return { 'x-entry-state': result.state, 'x-asset-id': result.assetId };
}

/**
 * The tus endpoint (creation, resumable PATCH, HEAD, termination) on a local file store.
 * Only an entry of the caller's own job that waits for its bytes may be uploaded; unfinished
 * uploads expire after the store's expiry. A file is committed when its last byte arrives; a
 * HEAD of an upload whose every byte is on disk answers only once the commit is done (making
 * it first, if a crash stopped it), with the entry's outcome in `X-Entry-State`: a client is
 * never told "complete" about bytes the library does not hold.
 */
export function createTusEndpoint(
  services: Services,
  options: { expiryMs: number; log?: (line: string) => void },
) {
  const uploads = services.uploads;
  const datastore = new UploadFileStore({
    directory: uploads.uploadsDir,
    expirationPeriodInMilliseconds: options.expiryMs,
  });
  const authenticate = (req: Request): Promise<AuthUser> => {
    const key = nodeRequestOf(req);
    let user = usersOfRequests.get(key);
    if (!user) {
      user = services.auth.authenticate(headersOf(req));
      usersOfRequests.set(key, user);
    }
    return user;
  };
  const authenticateNode = (req: IncomingMessage): Promise<AuthUser> => {
    let user = usersOfRequests.get(req);
    if (!user) {
      user = services.auth.authenticate({
        authorization: req.headers.authorization ?? null,
        cookie: req.headers.cookie ?? null,
      });
      usersOfRequests.set(req, user);
    }
    return user;
  };
  const tus = new TusServer({
    path: UPLOAD_PATH,
    datastore,
    // No maxSize here: UploadService.begin refuses a file over the limit with a message that names it.
    maxSize: 0,
    respectForwardedHeaders: false,
    relativeLocation: true,
    exposedHeaders: ['X-Entry-State', 'X-Asset-Id'],
    onResponseError: tusFailureAnswer(options.log ?? (() => {}), async (req) =>
      usersOfRequests.has(nodeRequestOf(req)) ? (await authenticate(req)).name : null,
    ),
    async onIncomingRequest(req, uploadId) {
      try {
        const user = await authenticate(req);
        if (req.method !== 'POST' && req.method !== 'OPTIONS') {
          await uploads.assertOwnUpload(user, uploadId);
        }
      } catch (error) {
        throw asTusError(error);
      }
    },
    async onUploadCreate(req, upload) {
      try {
        const user = await authenticate(req);
        await uploads.begin(
          user,
          upload.metadata?.entry_id ?? null,
          upload.size ?? null,
          upload.id,
        );
        return {};
      } catch (error) {
        throw asTusError(error);
      }
    },
    async onUploadFinish(req, upload) {
      try {
        const user = await authenticate(req);
        const result = await uploads.finish(user, upload.id);
        // The upload is discarded once tus has answered (POST_FINISH): tus still reads its
        // record after this hook when the creation request carried every byte.
        return { headers: outcomeHeaders(result) };
      } catch (error) {
        // Refused for good (hash, quota, a cancelled entry): the bytes are of no use. Any other
        // failure keeps them, to be committed when the client resumes or the server starts.
        if (error instanceof AppError) await uploads.discardUpload(upload.id);
        throw asTusError(error);
      }
    },
  });
  tus.on(EVENTS.POST_FINISH, (_req, _res, upload) => void uploads.discardUpload(upload.id));

  /** HEAD of an upload whose entry is committed (or can be now): answered here, not by tus. */
  async function answerSettledHead(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const uploadId = decodeURIComponent(
      new URL(req.url ?? '/', 'http://localhost').pathname.slice(UPLOAD_PATH.length + 1),
    );
    if (!uploadId || uploadId.includes('/')) return false;
    let result: (CommitResult & { sizeBytes: number }) | null;
    try {
      const user = await authenticateNode(req);
      result = await uploads.settleOnResume(user, uploadId);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'UNAUTHORIZED' || error.code === 'NOT_FOUND') return false; // tus says so
      res.writeHead(httpStatusOf(error.code), {
        'tus-resumable': '1.0.0',
        'cache-control': 'no-store',
        'content-type': 'application/json',
      });
      res.end(JSON.stringify(error.toBody()));
      return true;
    }
    if (!result) return false;
    const size = String(result.sizeBytes);
    res.writeHead(200, {
      'tus-resumable': '1.0.0',
      'cache-control': 'no-store',
      'upload-offset': size,
      'upload-length': size,
      'access-control-expose-headers': 'X-Entry-State, X-Asset-Id, Upload-Offset, Upload-Length',
      ...outcomeHeaders(result),
    });
    res.end();
    return true;
  }

  return {
    matches: (pathname: string) =>
      pathname === UPLOAD_PATH || pathname.startsWith(`${UPLOAD_PATH}/`),
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      if (req.method !== 'OPTIONS') {
        try {
          await authenticateNode(req);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          // Refused before tus reads the body, which is then never read: the connection closes,
          // so a slow body without a valid token is not waited for.
          if (!req.complete) res.setHeader('connection', 'close');
          res.writeHead(httpStatusOf(error.code), {
            'tus-resumable': '1.0.0',
            'cache-control': 'no-store',
            'content-type': 'application/json',
          });
          res.end(JSON.stringify(error.toBody()));
          return;
        }
      }
      if (req.method === 'HEAD' && (await answerSettledHead(req, res))) return;
      await tus.handle(req, res);
    },
    /** Removes expired unfinished uploads; returns how many. */
    cleanUpExpired: () => tus.cleanUpExpiredUploads(),
  };
}
