import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CREATION_GRACE_MS, uploadFile, type UploadHandle } from './tus-upload.js';

const SIZE = 64 * 1024;
const CHUNK = 16 * 1024;
/** Long enough for a request that is going to leave to reach the fake server. */
const SETTLE_MS = 150;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A tus server in memory (creation, HEAD, PATCH), which can hold the answers of its creations or
 * PATCHes until the test lets them go: a request held is one in flight, as the client sees it.
 */
class FakeTus {
  /** Every request, as "METHOD /path", in the order they arrived. */
  readonly requests: string[] = [];
  /** What happened, in order: the server's answers and the test's own marks. */
  readonly events: string[] = [];
  hold: 'POST' | 'PATCH' | null = null;
  /** PATCHes still to answer 503, as a server restarting does. */
  failPatches = 0;
  /** Requests held, each with its answer (or whether the client cut it). */
  private readonly held: { answer: () => void; cut: Promise<boolean> }[] = [];
  private arrivedWaiters: (() => void)[] = [];
  /** Bytes received of each upload, by its id. */
  private readonly uploads = new Map<string, number>();
  private readonly server: Server;
  endpoint = '';

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/files`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves once a held request has arrived. */
  heldRequest(): Promise<void> {
    if (this.held.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.arrivedWaiters.push(resolve));
  }

  /** Sends the answers held; resolves with whether each reached a client still waiting. */
  release(): Promise<boolean[]> {
    const held = this.held.splice(0);
    for (const h of held) h.answer();
    return Promise.all(held.map(async (h) => !(await h.cut)));
  }

  /** Whether each held request was cut by the client (resolves once all are answered or cut). */
  cut(): Promise<boolean[]> {
    return Promise.all(this.held.map((h) => h.cut));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.requests.push(`${req.method} ${path}`);
    let bytes = 0;
    for await (const chunk of req) bytes += (chunk as Uint8Array).length;
    const id = path.split('/')[2] ?? '';
    let answer: () => void;
    if (req.method === 'PATCH' && this.failPatches > 0) {
      this.failPatches--;
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: 'the server is restarting' } }));
      return;
    }
    if (req.method === 'POST') {
      const created = String(this.uploads.size + 1);
      this.uploads.set(created, 0);
      answer = () => {
        this.events.push(`created ${created}`);
        res.writeHead(201, { 'tus-resumable': '1.0.0', location: `/files/${created}` }).end();
      };
    } else if (req.method === 'HEAD' && this.uploads.has(id)) {
      answer = () =>
        res
          .writeHead(200, {
            'tus-resumable': '1.0.0',
            'upload-offset': String(this.uploads.get(id)),
            'upload-length': String(SIZE),
          })
          .end();
    } else if (req.method === 'PATCH' && this.uploads.has(id)) {
      const stored = this.uploads.get(id)! + bytes;
      answer = () => {
        this.uploads.set(id, stored);
        const done = stored === SIZE ? { 'x-entry-state': 'done' } : {};
        res
          .writeHead(204, {
            'tus-resumable': '1.0.0',
            'upload-offset': String(stored),
            ...done,
          })
          .end();
      };
    } else {
      answer = () => res.writeHead(404, { 'tus-resumable': '1.0.0' }).end();
    }
    if (req.method !== this.hold) {
      answer();
      return;
    }
    const cut = new Promise<boolean>((resolve) =>
      res.once('close', () => resolve(!res.writableFinished)),
    );
    this.held.push({ answer, cut });
    for (const wake of this.arrivedWaiters.splice(0)) wake();
  }
}

let tus: FakeTus;

beforeEach(async () => {
  tus = new FakeTus();
  await tus.listen();
});

afterEach(async () => {
  vi.useRealTimers();
  await tus.close();
});

/** Uploads SIZE bytes (from the start: a new stream) to the fake server; the URLs it is told go to `urls` (and to tus.events). */
function upload(uploadUrl: string | null, urls: string[] = []): UploadHandle {
  return uploadFile({
    endpoint: tus.endpoint,
    input: Readable.from([new Uint8Array(SIZE).fill(7)]),
    headers: {},
    size: SIZE,
    entryId: 'entry-1',
    uploadUrl,
    chunkBytes: CHUNK,
    onUrl: (url) => {
      urls.push(url);
      tus.events.push(`told ${url}`);
    },
    onProgress: () => undefined,
  });
}

describe('uploadFile, retried', () => {
  /** Uploads SIZE bytes to the fake server, each retry's reason told to `retries`. */
  function retried(retries: string[]): UploadHandle {
    return uploadFile({
      endpoint: tus.endpoint,
      // a byte stream, as a file's: an object-mode stream cannot be read again from a chunk's start
      input: Readable.from([new Uint8Array(SIZE).fill(7)], { objectMode: false }),
      headers: {},
      size: SIZE,
      entryId: 'entry-1',
      uploadUrl: null,
      chunkBytes: CHUNK,
      onUrl: () => undefined,
      onProgress: () => undefined,
      onRetry: (reason) => retries.push(reason),
    });
  }

  it('tells each retry and its reason, and goes on to the end', async () => {
    tus.failPatches = 1;
    const retries: string[] = [];
    expect(await retried(retries).promise).toMatchObject({ ok: true, state: 'done' });
    expect(retries).toEqual(['the server is restarting']);
  });

  it('names a server it cannot reach as such', async () => {
    await tus.close();
    const retries: string[] = [];
    const handle = retried(retries);
    await vi.waitFor(() => expect(retries.length).toBeGreaterThan(0));
    await handle.abort();
    tus = new FakeTus(); // afterEach closes one
    await tus.listen();
    expect(retries[0]).toBe('cannot reach the server (ECONNREFUSED)');
  });
});

describe('uploadFile, stopped (a pause)', () => {
  it('lets a creation in flight answer, keeps its URL and sends no byte; resuming it creates nothing', async () => {
    tus.hold = 'POST';
    const urls: string[] = [];
    const handle = upload(null, urls);
    await tus.heldRequest();
    const stopped = handle.abort().then(() => tus.events.push('stopped'));
    await sleep(SETTLE_MS);
    expect(await tus.release(), 'the creation answer reached the client').toEqual([true]);
    await stopped;
    // The URL is known before the stop ends: the caller saves it before the file waits again.
    expect(tus.events).toEqual(['created 1', `told ${tus.endpoint}/1`, 'stopped']);
    await sleep(SETTLE_MS);
    expect(tus.requests, 'no byte after the stop').toEqual(['POST /files']);

    tus.hold = null;
    const result = await upload(urls[0]!).promise;
    expect(result).toMatchObject({ ok: true, state: 'done' });
    expect(
      tus.requests.filter((r) => r.startsWith('POST')),
      'created once',
    ).toHaveLength(1);
    expect(tus.requests.slice(1, 3)).toEqual(['HEAD /files/1', 'PATCH /files/1']);
  });

  it('cuts a creation that does not answer within the grace, so a pause still ends', async () => {
    tus.hold = 'POST';
    const handle = upload(null);
    await tus.heldRequest();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const stopped = handle.abort();
    vi.advanceTimersByTime(CREATION_GRACE_MS);
    vi.useRealTimers();
    await stopped;
    expect(await tus.cut(), 'the creation request was cut').toEqual([true]);
  });

  it('cuts a PATCH in flight at once', async () => {
    tus.hold = 'PATCH';
    const handle = upload(null);
    await tus.heldRequest();
    await handle.abort();
    expect(await tus.cut(), 'the PATCH was cut').toEqual([true]);
    expect(tus.requests).toEqual(['POST /files', 'PATCH /files/1']);
  });

  it('sends no request when stopped before its creation left', async () => {
    const handle = upload(null);
    await handle.abort();
    await sleep(SETTLE_MS);
    expect(tus.requests).toEqual([]);
  });
});
