import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import xxhash from 'xxhash-wasm';
import * as tus from 'tus-js-client';
import { expect } from 'vitest';
import {
  apiErrorSchema,
  libraryListOutputSchema,
  type LibraryListOutput,
  type LibraryListRequest,
} from '../../shared/schemas/index.js';
import { loadConfig, startServer, type RunningServer } from '../src/index.js';
import { analyseFile } from '../../cli/src/analysis/analyse-file.js';
import { loadEssentiaOnMainThread } from '../../shared/node/essentia.js';
import { toManifestEntry } from '../../shared/files/index.js';
import type { ManifestEntry } from '../../shared/schemas/index.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** The PostgreSQL server tests may create databases on (`.ci/run` starts one and sets it). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? null;

export const FIXTURES = join(import.meta.dirname, '../../fixtures/audio');

export interface TestServer {
  url: string;
  server: RunningServer;
  dataDir: string;
  /** Stops the server and starts it again on the same port, data and database. */
  restart(): Promise<void>;
  /** Creates a user; returns its token. */
  addUser(
    name: string,
    quotas?: { quotaBytes?: number | null; quotaFiles?: number | null },
  ): Promise<string>;
  close(): Promise<void>;
}

/**
 * A fresh database of the kind: PGlite needs nothing (the server makes it in its DATA_DIR); on
 * PostgreSQL a new database on TEST_DATABASE_URL's server, and how to drop it.
 */
export async function createTestDatabase(
  kind: DatabaseKind,
): Promise<{ databaseUrl: string | undefined; dropDatabase: () => Promise<void> }> {
  if (kind === 'pglite') return { databaseUrl: undefined, dropDatabase: async () => {} };
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `sm_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    async dropDatabase() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * Starts the real server on a free loopback port over a fresh database: PGlite in a temporary
 * DATA_DIR, or a new database on TEST_DATABASE_URL's server (dropped at close). The server's
 * log lines go to `options.log` (nowhere by default).
 */
export async function startTestServer(
  kind: DatabaseKind,
  env: Record<string, string> = {},
  options: { log?: (line: string) => void } = {},
): Promise<TestServer> {
  const log = options.log ?? (() => {});
  const dataDir = await mkdtemp(join(tmpdir(), 'sm-server-test-'));
  const { databaseUrl, dropDatabase } = await createTestDatabase(kind);
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  let server = await startServer(config, log);
  const port = new URL(server.url).port;
  const handle: TestServer = {
    url: server.url,
    server,
    dataDir,
    async restart() {
      await server.close();
      server = await startServer({ ...config, port: Number(port) }, log);
      handle.server = server;
    },
    async addUser(name, quotas) {
      return (await server.services.auth.addUser(name, quotas)).token;
    },
    async close() {
      await server.close();
      await dropDatabase();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/**
 * One page of the user's library as the web app sees it (tRPC `library.list` over HTTP).
 * @throws Error with the answer when the call is refused.
 */
export async function libraryPage(
  baseUrl: string,
  token: string,
  input: LibraryListRequest = {},
): Promise<LibraryListOutput> {
  const query = encodeURIComponent(JSON.stringify(input));
  const res = await fetch(`${baseUrl}/trpc/library.list?input=${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`library.list answered ${res.status}: ${JSON.stringify(body)}`);
  return libraryListOutputSchema.parse(body.result.data);
}

/** The user's library (its first 500 files, newest first): `library.list`'s items. */
export async function listLibrary(baseUrl: string, token: string): Promise<any[]> {
  return (await libraryPage(baseUrl, token, { limit: 500 })).items;
}

/** The database kinds to run the shared suites on: PostgreSQL only where a server is given. */
export function databaseKinds(): DatabaseKind[] {
  if (!TEST_DATABASE_URL && process.env.CI) {
    throw new Error('CI must run the server suites on PostgreSQL too: set TEST_DATABASE_URL');
  }
  if (!TEST_DATABASE_URL) {
    console.warn('TEST_DATABASE_URL is not set: the server suites run on PGlite only');
  }
  return TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small REST client: JSON in and out, bearer token. */
export function api(baseUrl: string, token: string | null) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    raw?: string,
  ): Promise<ApiAnswer> => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + path, {
      method,
      headers,
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the raw text is the body
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const base = '/api/v1/audio/bulk-import';
  return {
    call,
    init: (body: unknown = {}) => call('POST', `${base}/init`, body),
    ingest: (body: unknown) => call('POST', `${base}/ingest`, body),
    check: (body: unknown) => call('POST', `${base}/check`, body),
    events: (jobId: string) => call('GET', `${base}/${jobId}/events`),
    similarFiles: (assetId: string) => call('GET', `/api/v1/audio/files/${assetId}/similar`),
    status: (jobId: string) => call('GET', `${base}/${jobId}/status`),
    cancel: (jobId: string) => call('POST', `${base}/${jobId}/cancel`),
    retry: (jobId: string) => call('POST', `${base}/${jobId}/retry`),
  };
}

let analysisDeps: Promise<Parameters<typeof analyseFile>[1]> | null = null;

/**
 * Analyses fixture files (paths under `root`, fixtures/audio by default) exactly as sm-import
 * does; each entry's path is relative to `root`.
 */
export async function fixtureEntries(
  paths: string[],
  root = FIXTURES,
): Promise<{ entry: ManifestEntry; file: string }[]> {
  analysisDeps ??= (async () => ({
    hasher: await xxhash(),
    essentia: loadEssentiaOnMainThread(),
    ffmpeg: false,
  }))();
  const deps = await analysisDeps;
  const out = [];
  for (const p of paths) {
    const file = join(root, p);
    const analysis = await analyseFile(file, deps);
    out.push({ entry: toManifestEntry(analysis, relative(root, file)), file });
  }
  return out;
}

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
