import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Server as TusServer } from '@tus/server';
import { FileStore } from '@tus/file-store';
import { AppError, httpStatusOf } from '../errors.js';
import type { AuthUser } from '../auth/auth.service.js';
import type { Services } from '../services.js';

export const UPLOAD_PATH = '/api/v1/uploads';

function headersOf(req: Request) {
  return { authorization: req.headers.get('authorization'), cookie: req.headers.get('cookie') };
}

/** Each request is authenticated once, though several hooks of tus see it. */
const usersOfRequests = new WeakMap<Request, Promise<AuthUser>>();

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

/**
 * The tus endpoint (creation, resumable PATCH, HEAD, termination) on a local file store.
 * Only an entry of the caller's own job that waits for its bytes may be uploaded; unfinished
 * uploads expire after `expiryMs`.
 */
export function createTusEndpoint(
  services: Services,
  options: { directory: string; expiryMs: number },
) {
  const datastore = new FileStore({
    directory: options.directory,
    expirationPeriodInMilliseconds: options.expiryMs,
  });
  const authenticate = (req: Request): Promise<AuthUser> => {
    let user = usersOfRequests.get(req);
    if (!user) {
      user = services.auth.authenticate(headersOf(req));
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
    async onIncomingRequest(req, uploadId) {
      try {
        const user = await authenticate(req);
        if (req.method !== 'POST' && req.method !== 'OPTIONS') {
          await services.uploads.assertOwnUpload(user, uploadId);
        }
      } catch (error) {
        throw asTusError(error);
      }
    },
    async onUploadCreate(req, upload) {
      try {
        const user = await authenticate(req);
        await services.uploads.begin(
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
        const result = await services.uploads.finish(
          user,
          upload.id,
          join(options.directory, upload.id),
        );
        return { headers: { 'x-entry-state': result.state, 'x-asset-id': result.assetId } };
      } catch (error) {
        throw asTusError(error);
      } finally {
        // The bytes moved into the object store, or are refused: either way the upload is over.
        await rm(join(options.directory, upload.id), { force: true });
        await rm(join(options.directory, `${upload.id}.json`), { force: true });
      }
    },
  });
  return {
    matches: (pathname: string) =>
      pathname === UPLOAD_PATH || pathname.startsWith(`${UPLOAD_PATH}/`),
    handle: tus.handle.bind(tus),
    /** Removes expired unfinished uploads; returns how many. */
    cleanUpExpired: () => tus.cleanUpExpiredUploads(),
  };
}
