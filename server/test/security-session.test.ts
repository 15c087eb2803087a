import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import WebSocket from 'ws';
import { ApiClient } from '../../cli/src/import/api-client.js';
import { hashToken } from '../src/auth/tokens.js';
import { apiTokens } from '../src/db/schema.js';
import { ensureLocalUser } from '../src/local-user.js';
import { loadConfig, startServer } from '../src/index.js';
import {
  createTestDatabase,
  databaseKinds,
  startTestServer,
  type DatabaseKind,
  type TestServer,
} from './harness.js';
import { SM_SERVER_BIN } from '../../testing/paths.js';
import { startServerProcess } from '../../testing/server-process.js';

// Sign-in, sessions and cross-site protection, probed over HTTP as a browser or an attacker's
// page would (raw requests: fetch would normalise the paths and set its own headers).

const run = promisify(execFile);
const BASE = '/api/v1/audio/bulk-import';
const EVIL = 'http://evil.example';
const MALFORMED = 'sm_session=%E0%A4%A';

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

/** One HTTP request with exactly this path and these headers. */
function raw(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname, port, path, method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = JSON.parse(body);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The session cookie an answer sets (`sm_session=…`), or null. */
function setCookie(answer: RawAnswer): string | null {
  return answer.headers['set-cookie']?.find((c) => c.startsWith('sm_session=')) ?? null;
}

/** A cookie pair (`sm_session=…`) for a token. */
const cookieOf = (token: string) => `sm_session=${encodeURIComponent(token)}`;

const json = { 'content-type': 'application/json' };

/** Whether a WebSocket to /trpc opens (true) or is refused (the status). */
function openWebSocket(
  baseUrl: string,
  headers: Record<string, string>,
): Promise<{ opened: true; socket: WebSocket } | { opened: false; status: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/trpc`, { headers });
    socket.once('open', () => resolve({ opened: true, socket }));
    socket.once('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('error', (error) => reject(error));
  });
}

describe.each(databaseKinds())('sign-in, sessions and cross-site requests on %s', (kind) => {
  let t: TestServer;
  let origin: string;

  /** A new user; its token. */
  const newUser = (prefix: string) => t.addUser(`${prefix}${randomBytes(3).toString('hex')}`);

  /** A job of the user with one entry waiting for its upload. */
  async function jobWithEntry(token: string): Promise<{ jobId: string; entryId: string }> {
    const bearer = { authorization: `Bearer ${token}`, ...json };
    const init = await raw(t.url, `${BASE}/init`, { method: 'POST', headers: bearer, body: '{}' });
    expect(init.status).toBe(201);
    const jobId = init.json.job_id as string;
    const entry = {
      status: 'ok',
      path: 'Drums/Kick.wav',
      content_hash: randomBytes(8).toString('hex'),
      size_bytes: 4,
      format: 'wav',
      fingerprint: null,
    };
    const ingest = await raw(t.url, `${BASE}/ingest`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ job_id: jobId, entries: [entry], last: true }),
    });
    expect(ingest.status).toBe(200);
    expect(ingest.json.items[0]).toMatchObject({ ok: true, upload: true });
    return { jobId, entryId: ingest.json.items[0].entry_id as string };
  }

  const tusCreate = (entryId: string) => ({
    'tus-resumable': '1.0.0',
    'upload-length': '4',
    'upload-metadata': `entry_id ${Buffer.from(entryId).toString('base64')}`,
  });

  beforeAll(async () => {
    t = await startTestServer(kind);
    origin = t.url;
  });
  afterAll(async () => t?.close());

  it('answers a malformed session cookie with 401 on REST, tRPC, tus and the web page', async () => {
    const cookie = { cookie: MALFORMED };
    const answers = {
      rest: await raw(t.url, `${BASE}/jobs`, { headers: cookie }),
      restPost: await raw(t.url, `${BASE}/init`, {
        method: 'POST',
        headers: { ...cookie, ...json },
        body: '{}',
      }),
      trpc: await raw(t.url, '/trpc/me', { headers: cookie }),
      tusPost: await raw(t.url, '/api/v1/uploads', {
        method: 'POST',
        headers: { ...cookie, ...tusCreate('00000000-0000-4000-8000-000000000000') },
      }),
      tusHead: await raw(t.url, '/api/v1/uploads/abc', {
        method: 'HEAD',
        headers: { ...cookie, 'tus-resumable': '1.0.0' },
      }),
      file: await raw(t.url, '/api/v1/audio/files/00000000-0000-4000-8000-000000000000/content', {
        headers: cookie,
      }),
      page: await raw(t.url, '/library', { headers: cookie }),
      signOut: await raw(t.url, '/api/v1/session/sign-out', { method: 'POST', headers: cookie }),
    };
    for (const [door, answer] of Object.entries(answers)) {
      expect(answer.status, `${door}: ${answer.body}`).toBe(401);
    }
    for (const door of ['rest', 'restPost', 'tusPost', 'signOut'] as const) {
      expect(answers[door].json.error.message, door).toMatch(
        /session cookie is malformed.*sign in/,
      );
    }
    expect(answers.trpc.json.error.message).toMatch(/session cookie is malformed/);
    // The page says so and removes the cookie, so that a reload shows the sign-in form.
    expect(answers.page.body).toMatch(/sign in again/i);
    expect(setCookie(answers.page)).toMatch(/^sm_session=;.*Max-Age=0/);
    expect(setCookie(answers.signOut)).toMatch(/Max-Age=0/);
  });

  it('redirects a sign-in link only to paths of this server', async () => {
    const token = await newUser('redirect');
    for (const path of [
      '/.//evil.example/x',
      '//evil.example',
      '//evil.example/x',
      '/\\evil.example',
      '/\\/evil.example/x',
      '/%2F%2Fevil.example',
      '/%5C%5Cevil.example/x',
      '///evil.example/x',
      '/./%2f/evil.example',
    ]) {
      const answer = await raw(t.url, `${path}?token=${token}`);
      expect(answer.status, path).toBe(303);
      const location = answer.headers.location!;
      expect(location, path).toMatch(/^\/(?![/\\])/);
      expect(location, path).not.toMatch(/^\/(%2f|%5c)/i);
      expect(new URL(location, t.url).origin, `${path} → ${location}`).toBe(origin);
      expect(location).not.toContain('token=');
    }
    const kept = await raw(t.url, `/library?sort=name&token=${token}`);
    expect(kept.headers.location).toBe('/library?sort=name');
  });

  it('asks before signing in from another site’s link; only this server’s page may sign in', async () => {
    const name = `ana${randomBytes(3).toString('hex')}`;
    const token = await t.addUser(name);
    for (const site of ['cross-site', 'same-site']) {
      const page = await raw(t.url, `/import?token=${token}`, {
        headers: { 'sec-fetch-site': site, 'sec-fetch-mode': 'navigate' },
      });
      expect(page.status, site).toBe(200);
      expect(setCookie(page), site).toBeNull();
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain(`Sign in to sm-server as ${name}?`);
      expect(page.body).toMatch(/<form method="post" action="\/api\/v1\/session">/);
      expect(page.body).toContain('name="next" value="/import"');
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    // A typed or pasted link, a link of this server's own pages, curl: signed in at once.
    for (const site of ['none', 'same-origin', null]) {
      const headers: Record<string, string> = site ? { 'sec-fetch-site': site } : {};
      const link = await raw(t.url, `/import?token=${token}`, { headers });
      expect(link.status, String(site)).toBe(303);
      expect(setCookie(link)).toMatch(/^sm_session=smt_/);
    }

    const form = (fields: Record<string, string>, headers: Record<string, string>) =>
      raw(t.url, '/api/v1/session', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(fields).toString(),
      });
    const foreign = await form({ token, next: '/import' }, { origin: EVIL });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.code).toBe('FORBIDDEN');
    expect(setCookie(foreign)).toBeNull();
    const sameSite = await form({ token, next: '/import' }, { 'sec-fetch-site': 'same-site' });
    expect(sameSite.status).toBe(403);
    expect(setCookie(sameSite)).toBeNull();
    const unknown = await form({ token: `smt_${'x'.repeat(43)}` }, { origin });
    expect(unknown.status).toBe(401);

    const own = await form(
      { token, next: '//evil.example/import' },
      { origin, 'sec-fetch-site': 'same-origin' },
    );
    expect(own.status).toBe(303);
    expect(new URL(own.headers.location!, t.url).origin).toBe(origin);
    const cookie = setCookie(own)!.split(';')[0]!;
    expect(cookie).toBe(cookieOf(token));
    const me = await raw(t.url, '/trpc/me', { headers: { cookie } });
    expect(me.json.result.data.name).toBe(name);
  });

  it('refuses cookie-signed changes from another site’s page on REST, tRPC, tus and the WebSocket; Bearer ones pass', async () => {
    const token = await newUser('csrf');
    const cookie = cookieOf(token);
    const init = (headers: Record<string, string>) =>
      raw(t.url, `${BASE}/init`, { method: 'POST', headers: { ...json, ...headers }, body: '{}' });
    const trpcInit = (headers: Record<string, string>) =>
      raw(t.url, '/trpc/bulkImport.init', {
        method: 'POST',
        headers: { ...json, ...headers },
        body: '{}',
      });

    const refused = await init({ cookie, origin: EVIL });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.json.error.message).toMatch(/evil\.example.*Bearer/);
    expect((await init({ cookie, origin: 'null' })).status).toBe(403);
    expect((await init({ cookie, origin })).status).toBe(201);
    expect((await init({ cookie })).status).toBe(201);
    expect((await init({ authorization: `Bearer ${token}`, origin: EVIL })).status).toBe(201);

    expect((await trpcInit({ cookie, origin: EVIL })).status).toBe(403);
    expect((await trpcInit({ cookie, origin })).status).toBe(200);
    expect((await trpcInit({ authorization: `Bearer ${token}`, origin: EVIL })).status).toBe(200);

    const { entryId } = await jobWithEntry(token);
    const tusHeaders = { cookie, ...tusCreate(entryId) };
    const tusRefused = await raw(t.url, '/api/v1/uploads', {
      method: 'POST',
      headers: { ...tusHeaders, origin: EVIL },
    });
    expect(tusRefused.status).toBe(403);
    const created = await raw(t.url, '/api/v1/uploads', {
      method: 'POST',
      headers: { ...tusHeaders, origin },
    });
    expect(created.status, created.body).toBe(201);
    const upload = created.headers.location!;
    const patch = await raw(t.url, upload, {
      method: 'PATCH',
      headers: {
        cookie,
        origin: EVIL,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      body: Buffer.from('abcd'),
    });
    expect(patch.status).toBe(403);
    const del = { 'tus-resumable': '1.0.0', origin: EVIL };
    expect(
      (await raw(t.url, upload, { method: 'DELETE', headers: { cookie, ...del } })).status,
    ).toBe(403);
    const bearerDelete = await raw(t.url, upload, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}`, ...del },
    });
    expect(bearerDelete.status).toBe(204);

    const foreignSocket = await openWebSocket(t.url, { cookie, origin: EVIL });
    expect(foreignSocket).toEqual({ opened: false, status: 403 });
    const ownSocket = await openWebSocket(t.url, { cookie, origin });
    expect(ownSocket.opened).toBe(true);
    if (ownSocket.opened) ownSocket.socket.close();
    // The command-line client's WebSocket sends no Origin.
    const cliSocket = await openWebSocket(t.url, {});
    expect(cliSocket.opened).toBe(true);
    if (cliSocket.opened) cliSocket.socket.close();
  });

  it('takes only JSON or empty bodies on REST POSTs (cancel, retry)', async () => {
    const token = await newUser('types');
    const bearer = { authorization: `Bearer ${token}` };
    const { jobId } = await jobWithEntry(token);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      for (const action of ['cancel', 'retry']) {
        const answer = await raw(t.url, `${BASE}/${jobId}/${action}`, {
          method: 'POST',
          headers: { ...bearer, 'content-type': type },
          body: '{}',
        });
        expect([400, 415], `${action} ${type}`).toContain(answer.status);
        expect(answer.json.error.message).toMatch(/must be JSON.*application\/json/);
      }
    }
    const untyped = await raw(t.url, `${BASE}/${jobId}/cancel`, {
      method: 'POST',
      headers: bearer,
      body: '{}',
    });
    expect(untyped.status).toBe(400);
    const status = await raw(t.url, `${BASE}/${jobId}/status`, { headers: bearer });
    expect(status.json.status).not.toBe('cancelled');

    // sm-import's retry: a POST without a body.
    const client = new ApiClient({ server: t.url, token }, []);
    await expect(client.retry(jobId)).resolves.toMatchObject({ retried: [] });
    const jsonCancel = await raw(t.url, `${BASE}/${jobId}/cancel`, {
      method: 'POST',
      headers: { ...bearer, ...json },
    });
    expect(jsonCancel.status).toBe(200);
  });

  it('sets Secure on the cookie only over HTTPS, per X-Forwarded-* only with TRUST_PROXY=1', async () => {
    const token = await newUser('secure');
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'importer.example' };
    const plain = await raw(t.url, `/?token=${token}`, { headers: forwarded });
    expect(setCookie(plain)).not.toMatch(/Secure/);
    // Without TRUST_PROXY, X-Forwarded-Host is not believed for the Origin check.
    const untrusted = await raw(t.url, `${BASE}/init`, {
      method: 'POST',
      headers: {
        cookie: cookieOf(token),
        origin: 'https://importer.example',
        ...forwarded,
        ...json,
      },
      body: '{}',
    });
    expect(untrusted.status).toBe(403);

    const proxied = await startTestServer(kind, { TRUST_PROXY: '1' });
    try {
      const proxiedToken = await proxied.addUser('behind');
      const overHttp = await raw(proxied.url, `/?token=${proxiedToken}`);
      expect(setCookie(overHttp)).toMatch(/HttpOnly; SameSite=Strict/);
      expect(setCookie(overHttp)).not.toMatch(/Secure/);
      const overHttps = await raw(proxied.url, `/?token=${proxiedToken}`, { headers: forwarded });
      expect(setCookie(overHttps)).toMatch(/; Secure/);
      const init = (headers: Record<string, string>) =>
        raw(proxied.url, `${BASE}/init`, {
          method: 'POST',
          headers: { cookie: cookieOf(proxiedToken), ...json, ...headers },
          body: '{}',
        });
      expect((await init({ ...forwarded, origin: 'https://importer.example' })).status).toBe(201);
      expect((await init({ ...forwarded, origin: proxied.url })).status).toBe(403);
      const signOut = await raw(proxied.url, '/api/v1/session/sign-out', {
        method: 'POST',
        headers: { cookie: cookieOf(proxiedToken), ...forwarded },
      });
      expect(setCookie(signOut)).toMatch(/Max-Age=0; Secure/);
    } finally {
      await proxied.close();
    }
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY must be 0 or 1/);
  });

  it('signs out: the token is revoked everywhere and the cookie removed', async () => {
    const token = await newUser('leaving');
    const cookie = cookieOf(token);
    const socket = await openWebSocket(t.url, { cookie, origin });
    expect(socket.opened).toBe(true);
    // tRPC opens the connection's context on its first message.
    if (socket.opened) {
      socket.socket.send(JSON.stringify({ id: 1, method: 'query', params: { path: 'me' } }));
      await new Promise((resolve) => socket.socket.once('message', resolve));
    }
    const closed =
      socket.opened &&
      new Promise<number>((resolve) => socket.socket.once('close', (code) => resolve(code)));

    const foreign = await raw(t.url, '/api/v1/session/sign-out', {
      method: 'POST',
      headers: { cookie, origin: EVIL },
    });
    expect(foreign.status).toBe(403);
    expect((await raw(t.url, `${BASE}/jobs`, { headers: { cookie } })).status).toBe(200);

    const out = await raw(t.url, '/api/v1/session/sign-out', {
      method: 'POST',
      headers: { cookie, origin },
    });
    expect(out.status).toBe(200);
    expect(out.json).toMatchObject({ signed_out: true });
    expect(setCookie(out)).toMatch(/^sm_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
    expect(await closed).toBe(1008);
    expect((await raw(t.url, `${BASE}/jobs`, { headers: { cookie } })).status).toBe(401);
    const bearer = await raw(t.url, `${BASE}/jobs`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bearer.status).toBe(401);
    expect((await raw(t.url, `/?token=${token}`)).status).toBe(401);
    expect((await raw(t.url, '/api/v1/session/sign-out', { method: 'POST' })).status).toBe(401);

    // DELETE /api/v1/session and tRPC auth.signOut do the same.
    const second = await newUser('leaving');
    const deleted = await raw(t.url, '/api/v1/session', {
      method: 'DELETE',
      headers: { cookie: cookieOf(second) },
    });
    expect(deleted.status).toBe(200);
    expect((await raw(t.url, '/trpc/me', { headers: { cookie: cookieOf(second) } })).status).toBe(
      401,
    );
    const third = await newUser('leaving');
    const viaTrpc = await raw(t.url, '/trpc/auth.signOut', {
      method: 'POST',
      headers: { cookie: cookieOf(third), origin, ...json },
    });
    expect(viaTrpc.status).toBe(200);
    expect(setCookie(viaTrpc)).toMatch(/Max-Age=0/);
    expect((await raw(t.url, '/trpc/me', { headers: { cookie: cookieOf(third) } })).status).toBe(
      401,
    );
  });

  it('refuses the calls of an open WebSocket once its token was revoked by another process', async () => {
    const token = await newUser('elsewhere');
    const socket = await openWebSocket(t.url, { cookie: cookieOf(token), origin });
    if (!socket.opened) throw new Error(`the WebSocket was refused: ${socket.status}`);
    let id = 0;
    const call = (path: string) =>
      new Promise<any>((resolve) => {
        const mine = ++id;
        const onMessage = (data: Buffer) => {
          const message = JSON.parse(data.toString('utf8')) as { id?: number };
          if (message.id !== mine) return;
          socket.socket.off('message', onMessage);
          resolve(message);
        };
        socket.socket.on('message', onMessage);
        socket.socket.send(JSON.stringify({ id: mine, method: 'query', params: { path } }));
      });
    try {
      expect((await call('me')).result.data.name).toMatch(/^elsewhere/);
      // As `sm-server user token revoke` or another server process on the same database does.
      await t.server.database.db.delete(apiTokens).where(eq(apiTokens.tokenHash, hashToken(token)));
      const refused = await call('bulkImport.list');
      expect(refused.error.data.code).toBe('UNAUTHORIZED');
      expect(refused.error.message).toMatch(/revoked/);
    } finally {
      socket.socket.close();
    }
  });

  it('gives the local user a new sign-in token after its link was signed out', async () => {
    const auth = t.server.services.auth;
    const first = await ensureLocalUser(auth, t.dataDir);
    expect(await ensureLocalUser(auth, t.dataDir)).toBe(first);
    const out = await raw(t.url, '/api/v1/session/sign-out', {
      method: 'POST',
      headers: { cookie: cookieOf(first) },
    });
    expect(out.status).toBe(200);
    const second = await ensureLocalUser(auth, t.dataDir);
    expect(second).not.toBe(first);
    expect((await readFile(join(t.dataDir, 'local-user.token'), 'utf8')).trim()).toBe(second);
    expect((await raw(t.url, `/?token=${second}`)).status).toBe(303);
    expect((await auth.listTokens('local')).map((x) => x.label)).toEqual(['sign-in link']);
  });
});

describe.each(databaseKinds())('sm-server user token on %s', (kind: DatabaseKind) => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sm-server-tokens-'));
    const database = await createTestDatabase(kind);
    dropDatabase = database.drop;
    env = {
      ...process.env,
      DATA_DIR: dataDir,
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    };
  });
  afterAll(async () => {
    await dropDatabase?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  const cli = async (...args: string[]) => {
    const result = await run(process.execPath, [SM_SERVER_BIN, 'user', ...args], { env }).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    return {
      code: 'code' in result && typeof result.code === 'number' ? result.code : 0,
      stdout: result.stdout,
      stderr: result.stderr,
    };
  };

  it('lists labels and dates (never values), replaces by label and revokes', async () => {
    const added = JSON.parse((await cli('add', 'ana', '--json')).stdout) as { token: string };
    const bob = JSON.parse((await cli('add', 'bob', '--json')).stdout) as { token: string };
    const laptop = JSON.parse((await cli('token', 'ana', '--label', 'laptop', '--json')).stdout);
    expect(laptop).toMatchObject({ user: { name: 'ana' }, label: 'laptop' });
    const again = JSON.parse((await cli('token', 'ana', '--label', 'laptop', '--json')).stdout);
    const ci = await cli('token', 'ana', '--label', 'ci');
    expect(ci.stdout).toMatch(/labelled "ci" \(shown once\): smt_/);

    const listed = await cli('token', 'list', 'ana', '--json');
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain('smt_');
    const { tokens } = JSON.parse(listed.stdout) as {
      tokens: { label: string; created_at: string }[];
    };
    expect(tokens.map((x) => x.label)).toEqual(['first token', 'laptop', 'ci']);
    for (const x of tokens) expect(Date.parse(x.created_at)).not.toBeNaN();

    const revoked = await cli('token', 'revoke', 'ana', 'ci');
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(/revoked.*"ci".*ana/) });
    const missing = await cli('token', 'revoke', 'ana', 'ci');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no token labelled "ci".*user token list ana/);
    expect((await cli('token', 'revoke', 'ana')).code).toBe(2);
    expect((await cli('token', 'revoke', 'ana', 'ci', '--all')).code).toBe(2);
    expect((await cli('token', 'list', 'nobody')).stderr).toMatch(/no user named "nobody"/);
    const text = await cli('token', 'list', 'ana');
    expect(text.stdout).toMatch(/first token\n.*laptop\n$/);
    expect(text.stdout).not.toMatch(/smt_|ci/);

    // The server takes what is left, and nothing else.
    const probe = async (tokens: Record<string, string>) => {
      const server = await startServer(
        loadConfig({ ...env, HOST: '127.0.0.1', PORT: '0' }),
        () => {},
      );
      try {
        const out: Record<string, number> = {};
        for (const [name, token] of Object.entries(tokens)) {
          out[name] = (
            await raw(server.url, `${BASE}/jobs`, { headers: { authorization: `Bearer ${token}` } })
          ).status;
        }
        return out;
      } finally {
        await server.close();
      }
    };
    expect(
      await probe({ first: added.token, laptop: laptop.token, again: again.token, bob: bob.token }),
    ).toEqual({ first: 200, laptop: 401, again: 200, bob: 200 });

    const all = await cli('token', 'revoke', 'ana', '--all', '--json');
    expect(JSON.parse(all.stdout)).toEqual({ user: { name: 'ana' }, revoked: 2 });
    expect((await cli('token', 'list', 'ana')).stdout).toMatch(/ana has no tokens/);
    expect(await probe({ first: added.token, again: again.token, bob: bob.token })).toEqual({
      first: 401,
      again: 401,
      bob: 200,
    });
  }, 300_000); // a dozen processes, each opening the database
});

describe('sm-server start after the local user signed out', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sm-server-signout-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  /** `sm-server start` on the test's data folder: its address and the sign-in link it printed. */
  async function start() {
    const server = await startServerProcess({ dataDir });
    return { url: server.url, signIn: server.signInUrl!, stop: () => server.stop() };
  }

  it('prints a new working sign-in link', async () => {
    const first = await start();
    let oldLink: string;
    try {
      const { url, signIn } = first;
      oldLink = signIn;
      const link = new URL(signIn);
      const signed = await raw(url, link.pathname + link.search);
      const cookie = setCookie(signed)!.split(';')[0]!;
      const out = await raw(url, '/api/v1/session/sign-out', {
        method: 'POST',
        headers: { cookie, origin: url },
      });
      expect(out.status).toBe(200);
      expect((await raw(url, link.pathname + link.search)).status).toBe(401);
    } finally {
      await first.stop();
    }
    const second = await start();
    try {
      const { url, signIn } = second;
      expect(signIn).not.toBe(oldLink);
      const link = new URL(signIn);
      const signed = await raw(url, link.pathname + link.search);
      expect(signed.status).toBe(303);
      expect(setCookie(signed)).toMatch(/^sm_session=smt_/);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
