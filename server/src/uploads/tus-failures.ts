import { AppError, httpStatusOf } from '../errors.js';
import { isClientAbort, storageFailure } from '../http/io-failures.js';

type TusAnswer = { status_code: number; body: string };

const INTERNAL = JSON.stringify({
  error: {
    code: 'INTERNAL',
    message: 'the server failed to answer this request; its log says why',
  },
});

/** `PATCH /api/v1/uploads/ID`: the method and path of a tus request, for a log line. */
function routeOf(req: Request): string {
  return `${req.method} ${new URL(req.url, 'http://localhost').pathname}`;
}

/**
 * tus's `onResponseError`, for failures that are neither tus's own answers nor AppErrors (those
 * come as `{ status_code, body }` and are kept): a failure of the upload store (disk full,
 * read-only, no permission) is answered 507 or 503 with a message holding no server path and
 * logged in one line with the route, the user and the errno; a client that went away is not
 * logged here (the server logs it once); anything else is logged with its stack and answered
 * 500 without its message, which tus would otherwise send (it may hold a path).
 * @param userOf the name of the request's user, when known.
 */
export function tusFailureAnswer(
  log: (line: string) => void,
  userOf: (req: Request) => Promise<string | null>,
) {
  return async (req: Request, error: Error | TusAnswer): Promise<TusAnswer | undefined> => {
    if (!(error instanceof Error)) return undefined;
    const storage = storageFailure(error);
    if (storage) {
      const user = await userOf(req).catch(() => null);
      log(
        `storage failure (${storage.errno}) on ${routeOf(req)} for user ${user ?? '?'}: ${error.message}`,
      );
      return {
        status_code: httpStatusOf(storage.answer.code),
        body: JSON.stringify(storage.answer.toBody()),
      };
    }
    if (error instanceof AppError) {
      return { status_code: httpStatusOf(error.code), body: JSON.stringify(error.toBody()) };
    }
    if (!isClientAbort(error)) log(`error: ${routeOf(req)}: ${error.stack ?? error.message}`);
    return { status_code: 500, body: INTERNAL };
  };
}
