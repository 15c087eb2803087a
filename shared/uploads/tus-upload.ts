import * as tus from 'tus-js-client';

/**
 * How long a stop waits for a creation request in flight to answer. The POST carries no bytes,
 * so it answers in milliseconds; a server that does not is cut, and the file is created again.
 */
export const CREATION_GRACE_MS = 5_000;

export interface UploadResult {
  /** True only when the server said the bytes are committed: stored, or a duplicate. */
  ok: boolean;
  /** The entry's state the server reported when the bytes were committed. */
  state: 'done' | 'duplicate' | null;
  /** Why it failed, and whether running again may help. */
  reason: string | null;
  status: number | null;
}

export interface UploadHandle {
  promise: Promise<UploadResult>;
  /**
   * Stops the upload; the server keeps what it received, to resume from. A creation (POST) in
   * flight is let answer first (up to CREATION_GRACE_MS), so that its URL reaches `onUrl` and
   * the upload is resumed later rather than created twice; no byte is sent after it. Resolves
   * once no request of the upload is in flight; a failure met while stopping is not reported.
   */
  abort(): Promise<void>;
}

/**
 * Uploads one file with tus: resumes `uploadUrl` from the server's offset when given (a new
 * upload is made if the server no longer has it), retries network failures and 5xx with
 * backoff for about a minute and a half (a server restart), and resolves with the outcome (never
 * rejects).
 * Success means the server said the file is committed (`X-Entry-State` on the last PATCH, or on
 * the HEAD of a resumed upload it already holds whole); all bytes sent without that word is not
 * success: the upload's HEAD is asked once more, and without an answer the file stays unconfirmed.
 */
export function uploadFile(options: {
  /** The tus endpoint: `${server}/api/v1/uploads`. */
  endpoint: string;
  /** What to send: a browser File or Blob, or a Node readable stream of the file. */
  input: tus.Upload['file'];
  /** Authorization, when the session cookie does not carry it. */
  headers: Record<string, string>;
  size: number;
  entryId: string;
  uploadUrl: string | null;
  chunkBytes: number;
  onUrl: (url: string) => void;
  onProgress: (sentBytes: number) => void;
  /** A request failed and is tried again (the server or network away, a 5xx), and why. */
  onRetry?: (reason: string) => void;
}): UploadHandle {
  let upload!: tus.Upload;
  // Whether the creation POST is in flight: the server may have made the upload already, and
  // only its answer says where (cut, the file would be created again on resume, an orphan left).
  let creating = false;
  let stop: { done: Promise<void>; halt: () => void } | null = null;
  /** The creation answered or failed: a stop that waited for it goes on now. */
  const creationSettled = () => {
    creating = false;
    stop?.halt();
  };
  const requestStop = (): Promise<void> => {
    if (!stop) {
      let stopped!: () => void;
      const done = new Promise<void>((resolve) => (stopped = resolve));
      let grace: ReturnType<typeof setTimeout> | undefined;
      const halt = () => {
        clearTimeout(grace);
        void upload.abort().finally(stopped);
      };
      stop = { done, halt };
      if (creating) grace = setTimeout(halt, CREATION_GRACE_MS);
      else halt();
    }
    return stop.done;
  };
  const promise = new Promise<UploadResult>((resolve) => {
    let state: 'done' | 'duplicate' | null = null;
    upload = new tus.Upload(options.input, {
      endpoint: options.endpoint,
      uploadUrl: options.uploadUrl,
      uploadSize: options.size,
      chunkSize: options.chunkBytes,
      headers: options.headers,
      metadata: { entry_id: options.entryId },
      retryDelays: [0, 1000, 3000, 5000, 10000, 15000, 30000, 30000],
      removeFingerprintOnSuccess: true,
      onBeforeRequest: (req) => {
        // tus-js-client forgets an abort made while start() opens the file (it clears its
        // aborted flag before the first request): once stopped, no request leaves.
        if (stop) {
          void upload.abort();
          throw new Error('tus: the upload was stopped');
        }
        creating = req.getMethod() === 'POST';
      },
      onShouldRetry: (error) => {
        creationSettled();
        if (stop) return false;
        const res = error.originalResponse;
        const status = res?.getStatus() ?? 0;
        const again = status === 0 || status >= 500 || status === 423;
        if (again) {
          try {
            options.onRetry?.(describeUploadError(error, res?.getBody()));
          } catch {
            // telling a retry must never stop it
          }
        }
        return again;
      },
      onUploadUrlAvailable: () => {
        // The URL is told before a stop that waited for the creation goes on, so that the
        // caller holds it by the time abort() resolves.
        if (upload.url) options.onUrl(upload.url);
        creationSettled();
      },
      onProgress: (sent) => options.onProgress(sent),
      onAfterResponse: (_req, res) => {
        const header = res.getHeader('x-entry-state');
        if (header === 'done' || header === 'duplicate') state = header;
      },
      onSuccess: () => {
        if (state) resolve({ ok: true, state, reason: null, status: null });
        else void confirmCommitted(upload.url, options.headers).then(resolve);
      },
      onError: (error) => {
        creationSettled();
        if (stop) return; // stopped while its creation was in flight: not a failure
        const res = (error as tus.DetailedError).originalResponse;
        const status = res?.getStatus() ?? null;
        const known = parseErrorBody(res?.getBody())?.entry_state;
        // The server has it already (its answer to the last chunk was lost in a restart, say).
        if (status === 409 && (known === 'done' || known === 'duplicate')) {
          resolve({ ok: true, state: known, reason: null, status });
          return;
        }
        resolve({
          ok: false,
          state: null,
          reason: describeUploadError(error, res?.getBody()),
          status,
        });
      },
    });
    upload.start();
  });
  return { promise, abort: requestStop };
}

/**
 * Asks the server, by a HEAD of the upload, whether the bytes it holds whole are committed
 * (the server commits them first if a crash stopped it between the last byte and the commit).
 */
async function confirmCommitted(
  url: string | null,
  headers: Record<string, string>,
): Promise<UploadResult> {
  const unconfirmed = (why: string): UploadResult => ({
    ok: false,
    state: null,
    reason: `every byte was sent but the server did not confirm storing the file (${why}); run the import again`,
    status: null,
  });
  if (!url) return unconfirmed('no upload URL');
  try {
    const res = await fetch(url, {
      method: 'HEAD',
      headers: { ...headers, 'tus-resumable': '1.0.0' },
    });
    const state = res.headers.get('x-entry-state');
    if (state === 'done' || state === 'duplicate')
      return { ok: true, state, reason: null, status: null };
    return unconfirmed(`HEAD answered ${res.status}`);
  } catch (error) {
    return unconfirmed(error instanceof Error ? error.message : String(error));
  }
}

function parseErrorBody(body: string | undefined): { entry_state?: string } | null {
  try {
    return (JSON.parse(body ?? '') as { error?: { entry_state?: string } }).error ?? null;
  } catch {
    return null;
  }
}

function describeUploadError(error: Error, body: string | undefined): string {
  // No answer at all: the server is down or restarting, or the network is away.
  // Node gives the socket's error (its code names it); a browser's XHR gives a bare event.
  const detailed = error as tus.DetailedError;
  const cause = detailed.causingError as unknown;
  if (!body && cause && detailed.originalResponse == null) {
    const code = (cause as { code?: unknown }).code;
    return `cannot reach the server (${typeof code === 'string' ? code : 'network error'})`;
  }
  if (body) {
    try {
      const parsed = JSON.parse(body) as { error?: { message?: string } };
      if (parsed.error?.message) return parsed.error.message;
    } catch {
      if (body.trim()) return body.trim().slice(0, 300);
    }
  }
  return error.message.split('\n')[0] ?? 'upload failed';
}
