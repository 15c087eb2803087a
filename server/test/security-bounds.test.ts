import { existsSync } from 'node:fs';
import { chmod, readFile, rename, rm, symlink } from 'node:fs/promises';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ingestResponseSchema } from '../../shared/schemas/index.js';
import type { AppRouter } from '../src/trpc/app.router.js';
import {
  api,
  databaseKinds,
  fixtureEntries,
  startTestServer,
  tusCreate,
  tusUpload,
  type TestServer,
} from './harness.js';

const MAX_JSON_BYTES = 16 * 1024 * 1024;
const KICK = 'oneshots/Kick_03.wav';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: any;
  /** Whether the server closed the connection after its answer. */
  closed: Promise<void>;
}

/**
 * A request through node:http: sends `head` bytes of the body, then (unless `stall`) the rest
 * of `chunks`; resolves with the answer as soon as it comes, whether the body was sent or not.
 */
function send(
  url: string,
  options: {
    method: string;
    headers?: Record<string, string | number>;
    chunks?: Buffer[];
    agent?: Agent;
    stall?: boolean;
  },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method, headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const closed = new Promise<void>((done) => res.socket.once('close', () => done()));
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, closed });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const chunks = options.chunks ?? [];
    const write = (i: number) => {
      if (i >= chunks.length) {
        if (!options.stall) req.end();
        return;
      }
      if (req.write(chunks[i]!)) write(i + 1);
      else req.once('drain', () => write(i + 1));
    };
    write(0);
  });
}

/** Polls until `ok()` holds (at most 15 s), so that a test waits on an outcome, not a clock. */
async function until(ok: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The error of a tRPC HTTP answer (the first, for a batch). */
function trpcError(body: any): { message: string; data: { code: string; httpStatus: number } } {
  return (Array.isArray(body) ? body[0] : body).error;
}

/** A tRPC client over WebSocket, as the web app and sm-import use it. */
function wsClient(t: TestServer, token: string) {
  const ws = createWSClient({
    url: `${t.url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
  });
  return { client: createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] }), ws };
}

/**
 * A raw WebSocket on `/trpc` that signs in with `token` and starts one subscription to
 * `bulkImport.updates`; collects the server's messages.
 */
function rawLiveSocket(t: TestServer, token: string, headers: Record<string, string> = {}) {
  const messages: any[] = [];
  let closed = false;
  let refusedWith: number | null = null;
  const socket = new WebSocket(`${t.url.replace('http', 'ws')}/trpc?connectionParams=1`, {
    headers,
  });
  socket.on('message', (data) => {
    const text = (data as Buffer).toString('utf8');
    if (text !== 'PING') messages.push(JSON.parse(text));
  });
  socket.on('close', () => (closed = true));
  socket.on('unexpected-response', (_req, res) => {
    refusedWith = res.statusCode ?? null;
    closed = true;
  });
  socket.on('error', () => (closed = true));
  socket.on('open', () => {
    socket.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
    socket.send(
      JSON.stringify({
        id: 1,
        method: 'subscription',
        params: { path: 'bulkImport.updates', input: {} },
      }),
    );
  });
  return {
    socket,
    messages,
    closed: () => closed,
    refusedWith: () => refusedWith,
    close: () => socket.terminate(),
  };
}

describe('bounded doors (PGlite)', () => {
  let t: TestServer;
  let token: string;
  const logs: string[] = [];

  beforeAll(async () => {
    t = await startTestServer('pglite', {}, { log: (line) => logs.push(line) });
    token = await t.addUser('ada');
  });
  afterAll(async () => t?.close());

  describe('finding 1: tRPC over HTTP has a body limit and a batch cap', () => {
    it('refuses a tRPC POST over the 16 MB limit with 413 naming it, and answers the next request', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        // Chunked (no Content-Length), just over the limit: read to its end and refused.
        const chunks = [Buffer.from('{"job_id":"x","entries":[],"pad":"')];
        for (let sent = 0; sent <= MAX_JSON_BYTES; sent += 1024 * 1024) {
          chunks.push(Buffer.alloc(1024 * 1024, 'x'));
        }
        chunks.push(Buffer.from('"}'));
        const refused = await send(`${t.url}/trpc/bulkImport.ingest`, {
          method: 'POST',
          agent,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          chunks,
        });
        expect(refused.status, JSON.stringify(refused.body).slice(0, 300)).toBe(413);
        const error = trpcError(refused.body);
        expect(error.data.code).toBe('PAYLOAD_TOO_LARGE');
        expect(error.message).toMatch(new RegExp(`limit of ${MAX_JSON_BYTES} bytes`));

        // The same connection still takes the next request.
        const next = await send(`${t.url}/trpc/me`, {
          method: 'GET',
          agent,
          headers: { authorization: `Bearer ${token}` },
        });
        expect(next.status).toBe(200);
        expect(next.body.result.data.name).toBe('ada');
      } finally {
        agent.destroy();
      }

      // 150 MB declared: refused without waiting for (or buffering) the body.
      const declared = await send(`${t.url}/trpc/bulkImport.ingest`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': 150 * 1024 * 1024,
        },
        chunks: [Buffer.from('{"job_id":"')],
        stall: true,
      });
      expect(declared.status).toBe(413);
      expect(trpcError(declared.body).message).toMatch(
        new RegExp(`has ${150 * 1024 * 1024} bytes; the limit is ${MAX_JSON_BYTES}`),
      );
      await declared.closed;
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    });

    it('refuses a tRPC batch of more than 50 calls naming the cap; 50 are answered', async () => {
      const batch = (n: number) =>
        fetch(`${t.url}/trpc/${Array(n).fill('me').join(',')}?batch=1&input={}`, {
          headers: { authorization: `Bearer ${token}` },
        });
      const fifty = await batch(50);
      expect(fifty.status).toBe(200);
      expect((await fifty.json()) as unknown[]).toHaveLength(50);

      const over = await batch(51);
      expect([400, 413]).toContain(over.status);
      const body = (await over.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/51 calls.*at most 50/);
    });
  });

  describe('finding 3: live connections are bounded', () => {
    it('refuses the 33rd subscription on one WebSocket while the first 32 work, and takes a new one when one stops', async () => {
      const jobId = (await api(t.url, token).init({ source: 'live' })).body.job_id as string;
      const { client, ws } = wsClient(t, token);
      try {
        const feeds = Array.from({ length: 33 }, () => {
          const feed = {
            events: 0,
            errors: [] as unknown[],
            sub: null as null | { unsubscribe(): void },
          };
          feed.sub = client.bulkImport.updates.subscribe(
            { job_id: jobId },
            {
              onData: () => void feed.events++,
              onError: (e) => void feed.errors.push(e),
            },
          );
          return feed;
        });
        await until(
          () =>
            feeds.filter((f) => f.events > 0).length === 32 && feeds.some((f) => f.errors.length),
          '32 subscriptions working and one refused',
        );
        const refused = feeds.filter((f) => f.errors.length > 0);
        expect(refused).toHaveLength(1);
        expect(refused[0]!.events).toBe(0);
        const error = refused[0]!.errors[0] as { data?: { code?: string }; message: string };
        expect(error.data?.code).toBe('TOO_MANY_REQUESTS');
        expect(error.message).toMatch(/32 live subscriptions/);

        // One stops: another may start (once the server has ended the stopped one).
        feeds.find((f) => f.events > 0)!.sub!.unsubscribe();
        let started = false;
        for (let attempt = 0; attempt < 20 && !started; attempt++) {
          const again = { events: 0, errors: [] as unknown[] };
          const sub = client.bulkImport.updates.subscribe(
            { job_id: jobId },
            { onData: () => void again.events++, onError: (e) => void again.errors.push(e) },
          );
          await until(() => again.events > 0 || again.errors.length > 0, 'the new subscription');
          started = again.events > 0;
          sub.unsubscribe();
        }
        expect(started).toBe(true);
        for (const f of feeds) f.sub!.unsubscribe();
      } finally {
        await ws.close();
      }
    });

    it('refuses a WebSocket message over 1 MB by closing the connection', async () => {
      const socket = rawLiveSocket(t, token);
      await until(() => socket.messages.length > 0, 'the subscription to start');
      socket.socket.send('x'.repeat(2 * 1024 * 1024));
      await until(() => socket.closed(), 'the connection to close');
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    });
  });

  describe('finding 5: store failures and client aborts', () => {
    let entryId: string;
    let bytes: Buffer;

    beforeAll(async () => {
      const [kick] = await fixtureEntries([KICK]);
      bytes = await readFile(kick!.file);
      const client = api(t.url, token);
      const jobId = (await client.init({ source: 'store' })).body.job_id as string;
      const answer = await client.ingest({ job_id: jobId, entries: [kick!.entry], last: true });
      entryId = ingestResponseSchema.parse(answer.body).items[0]!.entry_id!;
    });

    const createUpload = () => tusCreate(t.url, token, entryId, bytes.length);
    const patch = (location: string, body: Buffer) =>
      fetch(new URL(location, t.url), {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${token}`,
          'tus-resumable': '1.0.0',
          'upload-offset': '0',
          'content-type': 'application/offset+octet-stream',
        },
        body: new Uint8Array(body),
      });
    const expectNoServerPath = (text: string) => {
      expect(text).not.toContain(t.dataDir);
      expect(text).not.toMatch(/\/(tmp|dev|sys|home|var|root)\//);
    };

    it('answers a full disk with 507 and a message without any server path, and logs one line', async () => {
      const created = await createUpload();
      expect(created.status).toBe(201);
      const location = created.headers.get('location')!;
      const uploadId = location.split('/').at(-1)!;
      // The upload's file now writes to /dev/full: the kernel answers ENOSPC.
      const file = join(t.dataDir, 'uploads', uploadId);
      await rm(file);
      await symlink('/dev/full', file);
      const before = logs.length;

      const answer = await patch(location, bytes);
      const text = await answer.text();
      expect(answer.status, text).toBe(507);
      expect(JSON.parse(text).error.message).toMatch(
        /cannot store files right now: its disk is full; try again later or tell the operator/,
      );
      expectNoServerPath(text);
      const lines = logs.slice(before).filter((l) => l.includes('ENOSPC'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `storage failure \\(ENOSPC\\) on PATCH /api/v1/uploads/${uploadId} for user ada`,
        ),
      );
      expect(lines[0]).not.toContain('\n');
      await rm(file);
    });

    it('answers an upload store it may not write to with 503 without the path, and logs one line', async () => {
      const dir = join(t.dataDir, 'uploads');
      // chmod does not stop root: then the store is swapped for sysfs, where no one may create files.
      const asRoot = process.getuid?.() === 0;
      if (asRoot) {
        expect(existsSync('/sys/kernel'), 'sysfs is needed to refuse root a write').toBe(true);
        await rename(dir, `${dir}.real`);
        await symlink('/sys/kernel', dir);
      } else {
        await chmod(dir, 0o555);
      }
      const before = logs.length;
      try {
        const answer = await createUpload();
        const text = await answer.text();
        expect(answer.status, text).toBe(503);
        expect(JSON.parse(text).error.message).toMatch(
          /cannot store files right now: .*try again later/,
        );
        expectNoServerPath(text);
      } finally {
        if (asRoot) {
          await rm(dir);
          await rename(`${dir}.real`, dir);
        } else {
          await chmod(dir, 0o755);
        }
      }
      const lines = logs.slice(before).filter((l) => l.includes('storage failure'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /storage failure \((EACCES|EPERM|EROFS)\) on POST \/api\/v1\/uploads for user ada/,
      );
    });

    it('logs a client that goes away mid-upload or mid-body as one line, not a stack trace', async () => {
      const created = await createUpload();
      expect(created.status).toBe(201);
      const location = created.headers.get('location')!;
      const before = logs.length;

      const abort = (path: string, method: string, headers: Record<string, string | number>) =>
        new Promise<void>((resolve) => {
          const req = request(new URL(path, t.url), { method, headers, agent: false });
          req.on('error', () => resolve());
          req.write(Buffer.alloc(1024, 1), () => setTimeout(() => req.destroy(), 200));
          req.on('close', () => resolve());
        });
      await abort(location, 'PATCH', {
        authorization: `Bearer ${token}`,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': bytes.length,
      });
      await abort('/api/v1/audio/bulk-import/init', 'POST', {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': 100_000,
      });
      await until(
        () => logs.slice(before).filter((l) => l.startsWith('client went away')).length >= 2,
        'two log lines',
      );
      const lines = logs.slice(before);
      expect(lines).toContain(`client went away: PATCH ${new URL(location, t.url).pathname}`);
      expect(lines).toContain('client went away: POST /api/v1/audio/bulk-import/init');
      for (const line of lines) expect(line, line).not.toMatch(/\n\s+at /);
      expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
      // The upload is still there to resume.
      expect(
        (await tusUpload(t.url, token, entryId, bytes, { uploadUrl: null }).promise).state,
      ).toBe('done');
    });
  });
});

describe('finding 2: timeouts (PGlite)', () => {
  let t: TestServer;
  let token: string;
  const logs: string[] = [];

  beforeAll(async () => {
    t = await startTestServer(
      'pglite',
      { HEADERS_TIMEOUT_SECONDS: '1', REQUEST_TIMEOUT_SECONDS: '4', IDLE_TIMEOUT_SECONDS: '1.5' },
      { log: (line) => logs.push(line) },
    );
    token = await t.addUser('tim');
  });
  afterAll(async () => t?.close());

  /** What the server sends on a raw connection until it closes it. */
  const rawExchange = (write: (socket: import('node:net').Socket) => void) =>
    new Promise<string>((resolve, reject) => {
      const { hostname, port } = new URL(t.url);
      const socket = connect(Number(port), hostname, () => write(socket));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });

  it('closes a connection whose headers do not arrive in time with 408', async () => {
    const text = await rawExchange((s) => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'));
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a request whose body trickles in for longer than the request timeout with 408', async () => {
    let timer: NodeJS.Timeout | undefined;
    const text = await rawExchange((s) => {
      s.write(
        `POST /api/v1/audio/bulk-import/init HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
      );
      // A byte every 300 ms: never idle, never whole.
      timer = setInterval(() => s.writable && s.write(' '), 300);
      s.on('close', () => clearInterval(timer));
    });
    clearInterval(timer);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    await until(() => logs.some((l) => l.startsWith('request timed out: POST')), 'a log line');
  });

  it('closes a request whose body stops arriving with 408 once the connection is idle', async () => {
    const text = await rawExchange((s) =>
      s.write(
        `POST /api/v1/audio/bulk-import/init HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"source":',
      ),
    );
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(text).toMatch(/"code":"REQUEST_TIMEOUT"/);
    await until(
      () => logs.some((l) => l.startsWith('closed an idle connection: POST')),
      'a log line',
    );
  });

  it('answers a slow body without a valid token at once with 401 and closes, unread (REST, tRPC, tus)', async () => {
    const stalled = (path: string, headers: Record<string, string>) =>
      send(`${t.url}${path}`, {
        method: headers['tus-resumable'] ? 'PATCH' : 'POST',
        headers: { authorization: 'Bearer smt_wrong', 'content-length': '100000', ...headers },
        chunks: [Buffer.from('{')],
        stall: true,
      });
    for (const answer of [
      await stalled('/api/v1/audio/bulk-import/init', { 'content-type': 'application/json' }),
      await stalled('/trpc/bulkImport.init', { 'content-type': 'application/json' }),
      await stalled('/api/v1/uploads/some-upload', {
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      }),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.connection).toBe('close');
      await answer.closed;
    }
  });
});

describe.each(databaseKinds())('finding 4: rate limits on %s', (kind) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(kind, {
      JOB_STARTS_BURST: '3',
      JOB_STARTS_PER_MINUTE: '1',
      TOKEN_FAILURES_BURST: '3',
      TOKEN_FAILURES_PER_MINUTE: '1',
      WS_CONNECTIONS_PER_USER: '3',
      TRUST_PROXY: '1',
    });
  });
  afterAll(async () => t?.close());

  /** Requests as if from `address` (the server trusts X-Forwarded-For with TRUST_PROXY=1). */
  const from = (address: string, token: string | null) => ({
    'x-forwarded-for': address,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });

  it('refuses job creation over the per-user limit with 429 and Retry-After (REST and tRPC); another user is not affected', async () => {
    const eve = await t.addUser('eve');
    const fred = await t.addUser('fred');
    const client = api(t.url, eve);
    expect((await client.init()).status).toBe(201);
    expect((await client.init()).status).toBe(201);
    const viaTrpc = (token: string) =>
      fetch(`${t.url}/trpc/bulkImport.init`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'web' }),
      });
    expect((await viaTrpc(eve)).status).toBe(200);

    const refused = await client.init();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.body.error.message).toMatch(/too many new import jobs.*try again in \d+ s/);

    const trpcRefused = await viaTrpc(eve);
    expect(trpcRefused.status).toBe(429);
    expect(Number(trpcRefused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(trpcError(await trpcRefused.json()).data.code).toBe('TOO_MANY_REQUESTS');

    // Fred has his own budget.
    expect((await api(t.url, fred).init()).status).toBe(201);
    expect((await viaTrpc(fred)).status).toBe(200);
  });

  it('answers an address past its token failures with 429 (even with a valid token, REST, tRPC, tus and WebSocket); other addresses are served', async () => {
    const gus = await t.addUser('gus');
    const bad = '203.0.113.7';
    const good = '203.0.113.8';
    const status = (address: string, token: string | null) =>
      fetch(`${t.url}/api/v1/audio/bulk-import/jobs`, { headers: from(address, token) });

    expect((await status(bad, 'smt_wrong')).status).toBe(401);
    expect((await status(bad, `smt_${'A'.repeat(43)}`)).status).toBe(401);
    // A WebSocket with a wrong token counts too.
    const wrongSocket = rawLiveSocket(t, 'smt_wrong', { 'x-forwarded-for': bad });
    await until(() => wrongSocket.messages.some((m) => m.error), 'the WebSocket to be refused');
    expect(wrongSocket.messages.find((m) => m.error).error.data.code).toBe('UNAUTHORIZED');
    wrongSocket.close();

    const refused = await status(bad, gus);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(body.error.message).toMatch(/missing or wrong token.*try again in \d+ s/);

    const trpc = await fetch(`${t.url}/trpc/me`, { headers: from(bad, gus) });
    expect(trpc.status).toBe(429);
    expect(trpcError(await trpc.json()).data.code).toBe('TOO_MANY_REQUESTS');
    const tus = await fetch(`${t.url}/api/v1/uploads`, {
      method: 'POST',
      headers: { ...from(bad, gus), 'tus-resumable': '1.0.0', 'upload-length': '1' },
    });
    expect(tus.status).toBe(429);
    const socket = rawLiveSocket(t, gus, { 'x-forwarded-for': bad });
    await until(() => socket.closed(), 'the WebSocket to be refused');
    expect(socket.refusedWith()).toBe(429);

    // The web app's files are still served; another address is not affected.
    expect((await fetch(`${t.url}/`, { headers: from(bad, null) })).status).toBe(200);
    expect((await status(good, gus)).status).toBe(200);
  });

  it('refuses a user’s WebSocket connections past the cap; closing one frees a place', async () => {
    const hal = await t.addUser('hal');
    const started = (s: ReturnType<typeof rawLiveSocket>) =>
      s.messages.some((m) => m.result?.type === 'started');
    const open = [rawLiveSocket(t, hal), rawLiveSocket(t, hal), rawLiveSocket(t, hal)];
    await until(() => open.every(started), 'three connections');
    const fourth = rawLiveSocket(t, hal);
    await until(() => fourth.closed(), 'the fourth connection to be closed');
    const error = fourth.messages.find((m) => m.error)?.error;
    expect(error?.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(error?.message).toMatch(/3 live connections open/);
    // Another user is not affected.
    const other = rawLiveSocket(t, await t.addUser('ivy'));
    await until(() => started(other), 'another user’s connection');
    other.close();

    open[0]!.close();
    const again = rawLiveSocket(t, hal);
    await until(() => started(again) || again.closed(), 'a connection after one closed');
    expect(started(again)).toBe(true);
    for (const s of [...open, again]) s.close();
  });
});
