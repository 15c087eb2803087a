import { readFile } from 'node:fs/promises';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  databaseKinds,
  fixtureEntries,
  startTestServer,
  tusUpload,
  type ApiAnswer,
  type TestServer,
  listLibrary,
  uploadRefusal,
} from './harness.js';
import {
  MAX_ENTRIES_PER_INGEST,
  apiErrorSchema,
  ingestResponseSchema,
  jobStatusResponseSchema,
} from '../../shared/schemas/index.js';

// Real fixtures: Kick_03.mp3 is the same sound as Kick_03.wav; the others are distinct sounds.
const KICK = 'oneshots/Kick_03.wav';
const KICK_MP3 = 'dupes/Kick_03.mp3';
const PIANO = 'oneshots/Piano_C4.aifc';
const CLAP = 'oneshots/CLAP_808_24bit.wav';
const HAT = 'oneshots/Open Hat 01.flac';

const BASE = '/api/v1/audio/bulk-import';
const MAX_JSON_BYTES = 16 * 1024 * 1024;

/** Asserts an error answer of the REST API: its status, code, and a message naming the problem. */
function expectError(answer: ApiAnswer, status: number, code: string, message: RegExp): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  const { error } = apiErrorSchema.parse(answer.body);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
}

/** The user's library as the web app sees it (tRPC `library.list`). */
async function libraryOf(baseUrl: string, token: string) {
  return (await listLibrary(baseUrl, token))
    .map((f) => ({
      id: f.id as string,
      path: f.path as string,
      content_hash: f.content_hash as string,
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * A request through node:http on `agent`, its body sent in `chunks` without Content-Length
 * (chunked transfer encoding). Rejects when no answer comes within `timeoutMs`.
 */
function rawRequest(
  url: string,
  options: { agent: Agent; method: string; token: string; chunks?: Buffer[]; timeoutMs?: number },
): Promise<{ status: number; body: any; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        agent: options.agent,
        method: options.method,
        timeout: options.timeoutMs ?? 3000,
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      },
      (res) => {
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
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer within ${options.timeoutMs ?? 3000} ms`)),
    );
    req.on('error', reject);
    const chunks = options.chunks ?? [];
    const write = (i: number) => {
      if (i >= chunks.length) return req.end();
      if (req.write(chunks[i]!)) write(i + 1);
      else req.once('drain', () => write(i + 1));
    };
    write(0);
  });
}

/** A JSON body of more than 16 MB, in 1 MB chunks. */
function oversizedBody(head: string): Buffer[] {
  const chunks = [Buffer.from(head)];
  for (let sent = 0; sent <= MAX_JSON_BYTES; sent += 1024 * 1024) {
    chunks.push(Buffer.alloc(1024 * 1024, 'x'));
  }
  chunks.push(Buffer.from('"}'));
  return chunks;
}

describe.each(databaseKinds())('bad input on %s', (kind) => {
  let t: TestServer;
  let token: string;
  let fixtures: Awaited<ReturnType<typeof fixtureEntries>>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    token = await t.addUser('bea');
    fixtures = await fixtureEntries([KICK, KICK_MP3, PIANO, CLAP, HAT]);
  });
  afterAll(async () => t?.close());

  const entryOf = (path: string) => {
    const found = fixtures.find((f) => f.entry.path === path);
    if (!found) throw new Error(`no fixture ${path}`);
    return found;
  };

  const hashOf = (path: string) => {
    const { entry } = entryOf(path);
    if (entry.status !== 'ok') throw new Error(`fixture ${path} did not analyse`);
    return entry.content_hash;
  };

  /** The whole status answer of a job (it must not change at all after a refused request). */
  const statusOf = async (jobId: string, as = token) => {
    const answer = await api(t.url, as).status(jobId);
    expect(answer.status).toBe(200);
    return jobStatusResponseSchema.parse(answer.body);
  };
  const jobCount = async (as = token) => {
    const answer = await api(t.url, as).call('GET', `${BASE}/jobs`);
    expect(answer.status).toBe(200);
    return (answer.body.jobs as unknown[]).length;
  };
  /** A job holding one waiting entry, so that a change to it would show. */
  const jobWithOneEntry = async (as = token) => {
    const client = api(t.url, as);
    const jobId = (await client.init({ source: 'bad-input' })).body.job_id as string;
    const ingest = await client.ingest({
      job_id: jobId,
      entries: [{ ...entryOf(PIANO).entry, path: 'keep/piano.aifc' }],
    });
    expect(ingest.status).toBe(200);
    expect(ingest.body.accepted).toBe(1);
    return jobId;
  };

  describe('request bodies', () => {
    it('answers a body that is not JSON with 400 and changes nothing', async () => {
      const client = api(t.url, token);
      const jobId = await jobWithOneEntry();
      const before = await statusOf(jobId);
      const jobs = await jobCount();
      const broken = `{"job_id": "${jobId}", "entries": [`;
      for (const path of ['init', 'ingest', 'check']) {
        const answer = await client.call('POST', `${BASE}/${path}`, undefined, broken);
        expectError(answer, 400, 'BAD_REQUEST', /not valid JSON/);
      }
      const text = await fetch(`${t.url}${BASE}/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
        body: JSON.stringify({ job_id: jobId, entries: [], last: true }),
      });
      expect(text.status).toBe(400);
      expect(apiErrorSchema.parse(await text.json()).error.message).toMatch(
        /must be JSON.*text\/plain/,
      );
      expect(await statusOf(jobId)).toEqual(before);
      expect(await jobCount()).toBe(jobs);
    });

    it('answers wrong types in the envelope with 400 naming each field', async () => {
      const client = api(t.url, token);
      const jobId = await jobWithOneEntry();
      const before = await statusOf(jobId);
      const jobs = await jobCount();

      const ingest = await client.ingest({ job_id: jobId, entries: 'all of them', last: 'yes' });
      expectError(ingest, 400, 'BAD_REQUEST', /entries: .*expected array/);
      expect(ingest.body.error.message).toMatch(/last: .*expected boolean/);
      expectError(
        await client.ingest({ job_id: 42, entries: [] }),
        400,
        'BAD_REQUEST',
        /job_id: .*UUID/,
      );
      expectError(await client.ingest(['not', 'an', 'object']), 400, 'BAD_REQUEST', /object/);
      expectError(
        await client.ingest({ entries: [entryOf(CLAP).entry] }),
        400,
        'BAD_REQUEST',
        /job_id/,
      );
      const init = await client.init({ source: 7, on_duplicate: 'sometimes' });
      expectError(init, 400, 'BAD_REQUEST', /source: .*expected string/);
      expect(init.body.error.message).toMatch(/on_duplicate: /);
      expectError(await client.check({ items: {} }), 400, 'BAD_REQUEST', /items: .*expected array/);
      expectError(
        await client.check({ items: [{ id: 'a', content_hash: 'not-a-hash' }] }),
        400,
        'BAD_REQUEST',
        /items\.0\.content_hash: /,
      );

      expect(await statusOf(jobId)).toEqual(before);
      expect(await jobCount()).toBe(jobs);
    });

    it('answers unknown top-level fields with 400 naming them, and takes nothing of the call', async () => {
      const client = api(t.url, token);
      const jobId = await jobWithOneEntry();
      const before = await statusOf(jobId);
      const jobs = await jobCount();

      const ingest = await client.ingest({
        job_id: jobId,
        entries: [entryOf(CLAP).entry],
        last: true,
        colour: 'red',
        priority: 1,
      });
      expectError(ingest, 400, 'BAD_REQUEST', /unknown field\(s\) colour, priority/);
      expectError(
        await client.init({ source: 'x', priority: 'high' }),
        400,
        'BAD_REQUEST',
        /unknown field\(s\) priority/,
      );
      expectError(
        await client.check({ items: [], verbose: true }),
        400,
        'BAD_REQUEST',
        /unknown field\(s\) verbose/,
      );

      expect(await statusOf(jobId)).toEqual(before);
      expect(await jobCount()).toBe(jobs);
    });

    it('refuses a manifest of 100,000 entries with 413 naming the limit', async () => {
      const client = api(t.url, token);
      const jobId = await jobWithOneEntry();
      const before = await statusOf(jobId);
      const entries = Array.from({ length: 100_000 }, (_, i) => ({
        status: 'error',
        path: `many/${i}.wav`,
        error: 'unreadable',
      }));
      const answer = await client.ingest({ job_id: jobId, entries, last: true });
      expectError(answer, 413, 'PAYLOAD_TOO_LARGE', new RegExp(`${MAX_ENTRIES_PER_INGEST}`));
      expect(answer.body.error.message).toMatch(/100000 entries/);
      expect(await statusOf(jobId)).toEqual(before);
    });

    it('refuses a body over 16 MB with 413 naming the limit, declared or chunked', async () => {
      const client = api(t.url, token);
      const jobId = await jobWithOneEntry();
      const before = await statusOf(jobId);
      const head = `{"job_id":"${jobId}","entries":[],"last":true,"pad":"`;
      const raw = head + 'x'.repeat(MAX_JSON_BYTES + 1024) + '"}';

      const declared = await client.call('POST', `${BASE}/ingest`, undefined, raw);
      expectError(declared, 413, 'PAYLOAD_TOO_LARGE', new RegExp(`limit is ${MAX_JSON_BYTES}`));

      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const chunked = await rawRequest(`${t.url}${BASE}/ingest`, {
          agent,
          method: 'POST',
          token,
          chunks: oversizedBody(head),
        });
        expect(chunked.status, JSON.stringify(chunked.body)).toBe(413);
        expect(chunked.body.error.code).toBe('PAYLOAD_TOO_LARGE');
        expect(chunked.body.error.message).toMatch(new RegExp(`limit of ${MAX_JSON_BYTES} bytes`));
      } finally {
        agent.destroy();
      }

      expect(await statusOf(jobId)).toEqual(before);
    });

    it('still answers the next request of a client after refusing its chunked body over 16 MB', async () => {
      // A keep-alive client sends its next request on the same connection (unless the 413
      // said Connection: close): the server must read past the rest of the refused body, or
      // close the connection, but not leave it hanging.
      const jobId = await jobWithOneEntry();
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const refused = await rawRequest(`${t.url}${BASE}/ingest`, {
          agent,
          method: 'POST',
          token,
          chunks: oversizedBody(`{"job_id":"${jobId}","entries":[],"pad":"`),
        });
        expect(refused.status).toBe(413);
        const next = await rawRequest(`${t.url}${BASE}/${jobId}/status`, {
          agent,
          method: 'GET',
          token,
        });
        expect(next.status).toBe(200);
        expect(next.body.job_id).toBe(jobId);
      } finally {
        agent.destroy();
      }
    });
  });

  describe('manifest entries', () => {
    it('refuses each bad entry alone with 422 and a reason, and takes the valid entries of the same call', async () => {
      const client = api(t.url, token);
      const jobId = (await client.init()).body.job_id as string;
      const kick = entryOf(KICK).entry;
      const clap = entryOf(CLAP).entry;
      const piano = entryOf(PIANO).entry;
      const bad: [unknown, RegExp][] = [
        [{ ...piano, path: 'types/piano.aifc', size_bytes: '132190' }, /size_bytes: .*number/],
        [{ ...piano, path: 'types/bpm.aifc', bpm: 'fast' }, /bpm: .*number/],
        [{ ...piano, path: 'types/hash.aifc', content_hash: 'XYZ' }, /content_hash/],
        [{ ...piano, path: 'fields/piano.aifc', colour: 'red', mood: 1 }, /unknown.*colour, mood/],
        [{ ...piano, path: 'up/../../etc/passwd' }, /path: .*'\.\.' segment/],
        [{ ...piano, path: '../outside.aifc' }, /path: .*'\.\.' segment/],
        [{ ...piano, path: '/etc/passwd' }, /path: path must be relative/],
        [{ ...piano, path: 'C:/Samples/piano.aifc' }, /path: path must be relative/],
        [{ ...piano, path: 'bell\u0007.aifc' }, /path: path contains control characters/],
        [{ ...piano, path: 'line\nbreak.aifc' }, /path: path contains control characters/],
        [{ ...piano, status: 'maybe' }, /status: /],
        [42, /expected object/],
      ];
      const entries = [kick, ...bad.map(([entry]) => entry), clap];
      const answer = await client.ingest({ job_id: jobId, entries });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const body = ingestResponseSchema.parse(answer.body);
      expect(body.accepted).toBe(2);
      expect(body.rejected).toBe(bad.length);
      expect(body.items.map((i) => i.index)).toEqual(entries.map((_, i) => i));

      const first = body.items[0]!;
      const last = body.items[entries.length - 1]!;
      for (const item of [first, last]) {
        expect(item).toMatchObject({ ok: true, state: 'pending_upload', upload: true });
      }
      expect([first.path, last.path]).toEqual([kick.path, clap.path]);
      bad.forEach(([entry, reason], i) => {
        const item = body.items[i + 1]!;
        expect(item, JSON.stringify(entry)).toMatchObject({
          ok: false,
          status_code: 422,
          entry_id: null,
          state: null,
          upload: false,
        });
        expect(item.reason, JSON.stringify(entry)).toMatch(reason);
      });
      expect(body.job.totals).toEqual({
        queued: 2,
        processing: 0,
        completed: 0,
        duplicates: 0,
        failed: 0,
        similar: 0,
      });
      // The refused entries are in the job's error list, each with its reason.
      const status = await statusOf(jobId);
      expect(status.errors).toHaveLength(bad.length);
      expect(status.errors.map((e) => e.reason)).toEqual(
        body.items.slice(1, -1).map((i) => i.reason),
      );
      expect(status.errors[0]?.path).toBe('types/piano.aifc');
      expect(status.errors.at(-1)?.path).toBe(`entry ${bad.length}`);
    });

    it('refuses a path with a NUL character like any other control character (422, not a failed call)', async () => {
      const client = api(t.url, token);
      const jobId = (await client.init()).body.job_id as string;
      const kick = entryOf(KICK).entry;
      const answer = await client.ingest({
        job_id: jobId,
        entries: [kick, { ...kick, path: 'nul\u0000byte.wav' }],
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const body = ingestResponseSchema.parse(answer.body);
      expect(body.items[0]).toMatchObject({ ok: true, state: 'pending_upload' });
      expect(body.items[1]).toMatchObject({ ok: false, status_code: 422 });
      expect(body.items[1]?.reason).toMatch(/path contains control characters/);
      expect((await statusOf(jobId)).totals.queued).toBe(1);
    });

    it('does not fail on a NUL character in the source of a new job (201 or 400, not 500)', async () => {
      const client = api(t.url, token);
      const jobs = await jobCount();
      const init = await client.init({ source: 'sm-import /home/nul\u0000' });
      expect([201, 400], JSON.stringify(init.body)).toContain(init.status);
      if (init.status === 400) expect(init.body.error.message).toMatch(/source/);
      expect(await jobCount()).toBe(jobs + (init.status === 201 ? 1 : 0));
    });

    it('does not fail the call on a NUL character in the error of an error entry', async () => {
      const client = api(t.url, token);
      const jobId = (await client.init()).body.job_id as string;
      const answer = await client.ingest({
        job_id: jobId,
        entries: [
          entryOf(KICK).entry,
          { status: 'error', path: 'bad/nul.wav', error: 'decoder said \u0000' },
        ],
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const body = ingestResponseSchema.parse(answer.body);
      expect(body.items[0]).toMatchObject({ ok: true, state: 'pending_upload' });
      const item = body.items[1]!;
      if (item.ok) expect(item.state).toBe('failed');
      else expect(item.status_code).toBe(422);
      expect((await statusOf(jobId)).totals.queued).toBe(1);
    });

    it('does not fail the call on a NUL character in a free-text analysis field (format)', async () => {
      const client = api(t.url, token);
      const jobId = (await client.init()).body.job_id as string;
      const clap = entryOf(CLAP).entry;
      const answer = await client.ingest({
        job_id: jobId,
        entries: [entryOf(KICK).entry, { ...clap, format: 'wav\u0000' }],
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const body = ingestResponseSchema.parse(answer.body);
      expect(body.items[0]).toMatchObject({ ok: true, state: 'pending_upload' });
      const item = body.items[1]!;
      if (item.ok) expect(item.state).toBe('pending_upload');
      else expect(item.status_code).toBe(422);
      expect((await statusOf(jobId)).totals.queued).toBe(item.ok ? 2 : 1);
    });

    it('refuses a path re-sent in the same job with another content_hash with 409, keeping the first', async () => {
      const client = api(t.url, token);
      const jobId = (await client.init()).body.job_id as string;
      const piano = { ...entryOf(PIANO).entry, path: 'resend/piano.aifc' };
      const first = ingestResponseSchema.parse(
        (await client.ingest({ job_id: jobId, entries: [piano] })).body,
      );
      const entryId = first.items[0]!.entry_id;
      expect(entryId).not.toBeNull();
      const before = (await statusOf(jobId)).totals;

      const other = { ...piano, content_hash: hashOf(CLAP) };
      const answer = await client.ingest({ job_id: jobId, entries: [other, piano] });
      expect(answer.status).toBe(200);
      const body = ingestResponseSchema.parse(answer.body);
      expect(body.items[0]).toMatchObject({
        ok: false,
        status_code: 409,
        entry_id: null,
        path: 'resend/piano.aifc',
      });
      expect(body.items[0]?.reason).toMatch(/resend\/piano\.aifc was already sent in this job/);
      // The first entry is untouched and answered as before.
      expect(body.items[1]).toMatchObject({ ok: true, entry_id: entryId, state: 'pending_upload' });
      expect((await statusOf(jobId)).totals).toEqual(before);

      // Within one call too: the second entry with the path of the first is refused.
      const clap = { ...entryOf(CLAP).entry, path: 'twice/clap.wav' };
      const hatUnderSamePath = { ...entryOf(HAT).entry, path: 'twice/clap.wav' };
      const twice = ingestResponseSchema.parse(
        (await client.ingest({ job_id: jobId, entries: [clap, hatUnderSamePath] })).body,
      );
      expect(twice.items.map((i) => [i.ok, i.status_code])).toEqual([
        [true, null],
        [false, 409],
      ]);
    });

    it('answers a malformed S3 source with 400 naming the field, and changes nothing', async () => {
      const client = api(t.url, token);
      const jobId = await jobWithOneEntry();
      const before = await statusOf(jobId);
      const answer = await client.ingest({ job_id: jobId, source: { s3: {} } });
      expectError(answer, 400, 'BAD_REQUEST', /source\.s3\.url/);
      const badUrl = await client.ingest({
        job_id: jobId,
        source: {
          s3: { url: 's3://No_Such/x', access_key_id: 'a', secret_access_key: 'b', extra: 1 },
        },
      });
      expectError(badUrl, 400, 'BAD_REQUEST', /s3:\/\/BUCKET\/PREFIX/);
      const withEntries = await client.ingest({
        job_id: jobId,
        source: { s3: { url: 's3://bucket/x', access_key_id: 'a', secret_access_key: 'b' } },
        entries: [entryOf(CLAP).entry],
        last: true,
      });
      expectError(withEntries, 400, 'BAD_REQUEST', /"entries" or a "source", not both/);
      expect(await statusOf(jobId)).toEqual(before);
    });
  });

  describe('job ids and tokens', () => {
    it('answers a job id that is not a UUID with 400', async () => {
      const client = api(t.url, token);
      for (const id of ['not-a-uuid', '42', "1'; drop table import_jobs; --", '%20']) {
        for (const answer of [
          await client.call('GET', `${BASE}/${id}/status`),
          await client.call('POST', `${BASE}/${id}/cancel`),
          await client.call('POST', `${BASE}/${id}/retry`),
          await client.call('GET', `${BASE}/${id}/events`),
        ]) {
          expectError(answer, 400, 'BAD_REQUEST', /is not a UUID/);
        }
      }
      expectError(
        await client.ingest({ job_id: 'not-a-uuid', entries: [] }),
        400,
        'BAD_REQUEST',
        /job_id: job_id must be a UUID/,
      );
    });

    it('answers a job id with broken percent-encoding with 400, not 500', async () => {
      const client = api(t.url, token);
      for (const id of ['%E0%A4%A', '%', '%zz']) {
        expectError(await client.call('GET', `${BASE}/${id}/status`), 400, 'BAD_REQUEST', /UUID/);
        expectError(await client.call('POST', `${BASE}/${id}/cancel`), 400, 'BAD_REQUEST', /UUID/);
      }
    });

    it("answers another user's job with 404, exactly as it answers an unknown one", async () => {
      const otherToken = await t.addUser('otto');
      const theirs = await jobWithOneEntry(otherToken);
      const before = await statusOf(theirs, otherToken);
      const unknown = randomUUID();
      const client = api(t.url, token);
      const same = (answer: ApiAnswer, id: string) => ({
        status: answer.status,
        type: answer.headers.get('content-type'),
        body: JSON.parse(JSON.stringify(answer.body).replaceAll(id, '<job>')) as unknown,
      });
      const requests: [string, (id: string) => Promise<ApiAnswer>][] = [
        ['status', (id) => client.status(id)],
        ['cancel', (id) => client.cancel(id)],
        ['retry', (id) => client.retry(id)],
        ['events', (id) => client.call('GET', `${BASE}/${id}/events`)],
        ['ingest', (id) => client.ingest({ job_id: id, entries: [entryOf(CLAP).entry] })],
        ['close', (id) => client.ingest({ job_id: id, entries: [], last: true })],
      ];
      for (const [what, send] of requests) {
        const other = await send(theirs);
        expectError(other, 404, 'NOT_FOUND', /there is no import job/);
        expect(same(other, theirs), what).toEqual(same(await send(unknown), unknown));
      }
      expect(await statusOf(theirs, otherToken)).toEqual(before);
    });

    it('refuses a missing, wrong or malformed token with 401 and changes nothing', async () => {
      const jobId = await jobWithOneEntry();
      const before = await statusOf(jobId);
      const jobs = await jobCount();
      const wellFormed = `smt_${'A'.repeat(43)}`;
      const cases: [string | null, RegExp][] = [
        [null, /no token/],
        [`Bearer ${wellFormed}`, /token is not valid/],
        ['Bearer hello', /token is not valid/],
        [`Bearer ${token}x`, /token is not valid/],
        [`Basic ${Buffer.from('bea:secret').toString('base64')}`, /must be "Bearer TOKEN"/],
        ['Bearer', /must be "Bearer TOKEN"/],
        [`Bearer ${token} ${token}`, /must be "Bearer TOKEN"/],
        [token, /must be "Bearer TOKEN"/],
      ];
      for (const [authorization, message] of cases) {
        const send = async (method: string, path: string, body?: unknown) => {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (authorization !== null) headers.authorization = authorization;
          const res = await fetch(t.url + path, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          return { status: res.status, body: (await res.json()) as unknown, headers: res.headers };
        };
        for (const answer of [
          await send('POST', `${BASE}/init`, { source: 'intruder' }),
          await send('GET', `${BASE}/${jobId}/status`),
          await send('POST', `${BASE}/${jobId}/cancel`),
          await send('POST', `${BASE}/ingest`, { job_id: jobId, entries: [], last: true }),
          await send('POST', `${BASE}/check`, { items: [] }),
          await send('GET', `${BASE}/jobs`),
        ]) {
          expectError(answer, 401, 'UNAUTHORIZED', message);
        }
      }
      expect(await statusOf(jobId)).toEqual(before);
      expect(await jobCount()).toBe(jobs);

      // The upload endpoint too.
      const entryId = (await api(t.url, token).call('GET', `${BASE}/${jobId}/events`)).body.files[0]
        .entry_id as string;
      const refusal = await uploadRefusal(
        tusUpload(t.url, wellFormed, entryId, Buffer.alloc(10)).promise,
      );
      expect(refusal).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
      expect(refusal.message).toMatch(/token is not valid/);
    });
  });

  describe('uploads', () => {
    /** A new user with a job whose manifest (closed) holds these fixtures. */
    const userWithJob = async (
      name: string,
      paths: string[],
      quotas?: { quotaBytes?: number | null; quotaFiles?: number | null },
      server: TestServer = t,
    ) => {
      const userToken = await server.addUser(name, quotas);
      const client = api(server.url, userToken);
      const jobId = (await client.init({ source: name })).body.job_id as string;
      const answer = await client.ingest({
        job_id: jobId,
        entries: paths.map((p) => entryOf(p).entry),
        last: true,
      });
      expect(answer.status).toBe(200);
      const body = ingestResponseSchema.parse(answer.body);
      return { token: userToken, client, jobId, items: body.items };
    };

    it('refuses bytes that do not match content_hash with 422; the entry fails with a reason, and after retry a correct upload completes', async () => {
      const { token: userToken, client, jobId, items } = await userWithJob('mia', [KICK]);
      const entryId = items[0]!.entry_id!;
      const bytes = await readFile(entryOf(KICK).file);
      const damaged = Buffer.from(bytes);
      const middle = Math.floor(damaged.length / 2);
      damaged[middle] = damaged[middle]! ^ 0xff;
      expect(damaged.length).toBe(bytes.length);
      expect(damaged.equals(bytes)).toBe(false);

      const refusal = await uploadRefusal(tusUpload(t.url, userToken, entryId, damaged).promise);
      expect(refusal).toMatchObject({ status: 422, code: 'UNPROCESSABLE' });
      expect(refusal.message).toMatch(/not the declared content_hash/);

      const failed = await statusOf(jobId, userToken);
      expect(failed.totals).toEqual({
        queued: 0,
        processing: 0,
        completed: 0,
        duplicates: 0,
        failed: 1,
        similar: 0,
      });
      expect(failed.status).toBe('failed');
      expect(failed.errors).toHaveLength(1);
      expect(failed.errors[0]?.path).toBe(KICK);
      expect(failed.errors[0]?.reason).toMatch(/content_hash/);
      expect(await libraryOf(t.url, userToken)).toEqual([]);

      const retry = await client.retry(jobId);
      expect(retry.status).toBe(200);
      expect(retry.body.retried).toEqual([{ entry_id: entryId, path: KICK }]);
      expect(retry.body.job.status).toBe('running');
      expect(retry.body.job.totals.queued).toBe(1);
      expect(retry.body.job.errors).toEqual([]);

      const done = await tusUpload(t.url, userToken, entryId, bytes).promise;
      expect(done.state).toBe('done');
      const completed = await statusOf(jobId, userToken);
      expect(completed.status).toBe('completed');
      expect(completed.totals.completed).toBe(1);
      expect(completed.errors).toEqual([]);
      const library = await libraryOf(t.url, userToken);
      expect(library.map((f) => [f.path, f.content_hash])).toEqual([[KICK, hashOf(KICK)]]);
    });

    it('refuses an upload whose Upload-Length differs from the declared size_bytes with 422', async () => {
      const { token: userToken, jobId, items } = await userWithJob('lea', [CLAP]);
      const entryId = items[0]!.entry_id!;
      const before = await statusOf(jobId, userToken);
      const bytes = await readFile(entryOf(CLAP).file);
      for (const data of [Buffer.concat([bytes, Buffer.from([0])]), bytes.subarray(1)]) {
        const refusal = await uploadRefusal(tusUpload(t.url, userToken, entryId, data).promise);
        expect(refusal).toMatchObject({ status: 422, code: 'UNPROCESSABLE' });
        expect(refusal.message).toMatch(
          new RegExp(
            `upload has ${data.length} bytes but ${CLAP} was declared with ${bytes.length}`,
          ),
        );
      }
      expect(await statusOf(jobId, userToken)).toEqual(before);
      expect(await libraryOf(t.url, userToken)).toEqual([]);
    });

    it('refuses an upload for an entry that is a duplicate with 409', async () => {
      const { token: userToken, jobId, items } = await userWithJob('dan', [KICK, KICK_MP3]);
      expect(items[1]).toMatchObject({ state: 'duplicate', upload: false });
      const before = await statusOf(jobId, userToken);
      const refusal = await uploadRefusal(
        tusUpload(t.url, userToken, items[1]!.entry_id!, await readFile(entryOf(KICK_MP3).file))
          .promise,
      );
      expect(refusal).toMatchObject({ status: 409, code: 'CONFLICT' });
      expect(refusal.message).toMatch(/needs no upload: it is duplicate/);
      expect(await statusOf(jobId, userToken)).toEqual(before);
      expect(await libraryOf(t.url, userToken)).toEqual([]);
    });

    it("refuses an upload for another user's entry (or no entry) with 404", async () => {
      const owner = await userWithJob('ivy', [HAT]);
      const entryId = owner.items[0]!.entry_id!;
      const before = await statusOf(owner.jobId, owner.token);
      const intruder = await t.addUser('max');
      const bytes = await readFile(entryOf(HAT).file);

      const refusal = await uploadRefusal(tusUpload(t.url, intruder, entryId, bytes).promise);
      expect(refusal).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect(refusal.message).toMatch(/there is no import entry/);
      const unknown = await uploadRefusal(tusUpload(t.url, intruder, randomUUID(), bytes).promise);
      expect(unknown.status).toBe(404);
      expect(unknown.message.replace(/entry \S+/, 'entry X')).toBe(
        refusal.message.replace(/entry \S+/, 'entry X'),
      );
      const notUuid = await uploadRefusal(tusUpload(t.url, intruder, 'nope', bytes).promise);
      expect(notUuid.status).toBe(404);

      // No entry_id at all: 400 naming the metadata.
      const bare = await fetch(`${t.url}/api/v1/uploads`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${intruder}`,
          'tus-resumable': '1.0.0',
          'upload-length': String(bytes.length),
        },
      });
      expect(bare.status).toBe(400);
      expect(await bare.text()).toMatch(/no entry_id in its Upload-Metadata/);

      expect(await statusOf(owner.jobId, owner.token)).toEqual(before);
      expect(await libraryOf(t.url, owner.token)).toEqual([]);
      expect(await libraryOf(t.url, intruder)).toEqual([]);
      // The owner can still upload it.
      expect((await tusUpload(t.url, owner.token, entryId, bytes).promise).state).toBe('done');
    });

    it('stores one file for a user with a quota of one, and refuses the second with 413 naming the quota', async () => {
      const {
        token: userToken,
        jobId,
        items,
      } = await userWithJob('quo', [KICK, PIANO], {
        quotaFiles: 1,
      });
      const first = await tusUpload(
        t.url,
        userToken,
        items[0]!.entry_id!,
        await readFile(entryOf(KICK).file),
      ).promise;
      expect(first.state).toBe('done');
      const library = await libraryOf(t.url, userToken);
      expect(library.map((f) => f.path)).toEqual([KICK]);
      const before = await statusOf(jobId, userToken);

      const refusal = await uploadRefusal(
        tusUpload(t.url, userToken, items[1]!.entry_id!, await readFile(entryOf(PIANO).file))
          .promise,
      );
      expect(refusal).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
      expect(refusal.message).toMatch(/quota/);
      expect(refusal.message).toMatch(/1 of 1 files/);
      expect(await libraryOf(t.url, userToken)).toEqual(library);
      expect(await statusOf(jobId, userToken)).toEqual(before);
    });

    it('refuses an upload larger than MAX_UPLOAD_BYTES with 413', async () => {
      const small = await startTestServer(kind, { MAX_UPLOAD_BYTES: '1000' });
      try {
        const {
          token: userToken,
          jobId,
          items,
        } = await userWithJob('big', [KICK], undefined, small);
        const status = async () =>
          jobStatusResponseSchema.parse((await api(small.url, userToken).status(jobId)).body);
        const start = await status();
        const refusal = await uploadRefusal(
          tusUpload(small.url, userToken, items[0]!.entry_id!, await readFile(entryOf(KICK).file))
            .promise,
        );
        expect(refusal.status).toBe(413);
        expect(refusal.message).toMatch(/takes at most 1000 per file/);
        expect(await status()).toEqual(start);
        expect(await libraryOf(small.url, userToken)).toEqual([]);
      } finally {
        await small.close();
      }
    });
  });
});
