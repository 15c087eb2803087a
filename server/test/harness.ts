import { readFile } from 'node:fs/promises';
import * as tus from 'tus-js-client';
import { expect } from 'vitest';
import {
  apiErrorSchema,
  ingestResponseSchema,
  type ManifestEntry,
} from '../../shared/schemas/index.js';
import { api } from '../../testing/api.js';

// The server suites' helpers: what every suite shares comes from testing/ (re-exported here
// under the names the suites use); the tus helpers below are the server suites' own.
export { FIXTURES } from '../../testing/paths.js';
export {
  TEST_DATABASE_URL,
  createTestDatabase,
  databaseKinds,
  type DatabaseKind,
} from '../../testing/server-data.js';
export {
  startServerInProcess as startTestServer,
  type InProcessServer as TestServer,
} from '../../testing/server-in-process.js';
export { api, libraryPage, listLibrary, type ApiAnswer } from '../../testing/api.js';
export { fixtureEntries } from '../../testing/fixture-entries.js';

/**
 * A raw tus creation request (POST) for an entry, as any tus client sends it: `size` declared
 * and, with `body`, every byte in the same request (creation-with-upload).
 */
export function tusCreate(
  baseUrl: string,
  token: string,
  entryId: string,
  size: number,
  body?: Buffer,
): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/uploads`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'tus-resumable': '1.0.0',
      'upload-length': String(size),
      'upload-metadata': `entry_id ${Buffer.from(entryId).toString('base64')}`,
      ...(body ? { 'content-type': 'application/offset+octet-stream' } : {}),
    },
    body: body ? new Uint8Array(body) : undefined,
  });
}

/**
 * Uploads a file with tus-js-client as a client would. Resolves with the server's answer
 * headers of the last PATCH; rejects with the tus error (its message carries the status).
 */
export function tusUpload(
  baseUrl: string,
  token: string,
  entryId: string,
  data: Buffer,
  options: {
    chunkSize?: number;
    onProgress?: (sent: number) => void;
    uploadUrl?: string | null;
    stopAfterBytes?: number;
  } = {},
): { promise: Promise<{ url: string; state: string | null }>; upload: tus.Upload } {
  let upload!: tus.Upload;
  const promise = new Promise<{ url: string; state: string | null }>((resolve, reject) => {
    let state: string | null = null;
    upload = new tus.Upload(data, {
      endpoint: `${baseUrl}/api/v1/uploads`,
      uploadUrl: options.uploadUrl ?? null,
      headers: { authorization: `Bearer ${token}` },
      metadata: { entry_id: entryId },
      chunkSize: options.chunkSize ?? Infinity,
      retryDelays: [],
      uploadSize: data.length,
      onProgress: (sent) => {
        options.onProgress?.(sent);
        if (options.stopAfterBytes !== undefined && sent >= options.stopAfterBytes) {
          void upload
            .abort()
            .then(() =>
              reject(Object.assign(new Error('stopped'), { stopped: true, url: upload.url })),
            );
        }
      },
      onAfterResponse: (_req, res) => {
        state = res.getHeader('x-entry-state') ?? state;
      },
      onSuccess: () => resolve({ url: upload.url!, state }),
      onError: (error) => reject(error),
    });
    upload.start();
  });
  return { promise, upload };
}

/** The status and error of a refused tus upload; fails the test when the upload went through. */
export async function uploadRefusal(
  run: Promise<unknown>,
): Promise<{ status: number | null; code: string | null; message: string }> {
  let failure: unknown = null;
  try {
    await run;
  } catch (error) {
    failure = error;
  }
  expect(failure, 'the upload should have been refused').toBeInstanceOf(Error);
  const res = (failure as tus.DetailedError).originalResponse;
  const text = res?.getBody() ?? '';
  try {
    const { error } = apiErrorSchema.parse(JSON.parse(text));
    return { status: res?.getStatus() ?? null, code: error.code, message: error.message };
  } catch {
    return { status: res?.getStatus() ?? null, code: null, message: text };
  }
}

/**
 * Imports analysed files through the REST API and tus, as sm-import does, in one job; every one
 * must be stored.
 */
export async function importAnalysed(
  baseUrl: string,
  token: string,
  files: { entry: ManifestEntry; file: string }[],
  source = 'test',
): Promise<void> {
  const client = api(baseUrl, token);
  const jobId = (await client.init({ source })).body.job_id as string;
  const answer = await client.ingest({
    job_id: jobId,
    entries: files.map((f) => f.entry),
    last: true,
  });
  const { items } = ingestResponseSchema.parse(answer.body);
  for (const [i, item] of items.entries()) {
    expect(item, JSON.stringify(item)).toMatchObject({ ok: true, upload: true });
    const bytes = await readFile(files[i]!.file);
    expect((await tusUpload(baseUrl, token, item.entry_id!, bytes).promise).state).toBe('done');
  }
}
