import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bulkImportUpdateSchema, type BulkImportUpdate } from '../../shared/schemas/index.js';
import type { AppRouter } from '../src/trpc/app.router.js';
import { api, databaseKinds, fixtureEntries, startTestServer, type TestServer } from './harness.js';

/** A tRPC client over WebSocket, as the web app and the CLI use it, signed in with a token. */
function wsClient(t: TestServer, token: string) {
  const ws = createWSClient({
    url: `${t.url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
  });
  return { client: createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] }), ws };
}

/** Collects a subscription's events; `next(n)` waits until n have arrived. */
function collect(
  subscribe: (handlers: { onData: (e: unknown) => void; onError: (e: unknown) => void }) => {
    unsubscribe(): void;
  },
) {
  const events: BulkImportUpdate[] = [];
  const errors: unknown[] = [];
  const waiters: (() => void)[] = [];
  const sub = subscribe({
    onData: (e) => {
      events.push(bulkImportUpdateSchema.parse(e));
      waiters.splice(0).forEach((w) => w());
    },
    onError: (e) => {
      errors.push(e);
      waiters.splice(0).forEach((w) => w());
    },
  });
  const until = async (ok: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(events)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  return { events, errors, until, unsubscribe: () => sub.unsubscribe() };
}

describe.each(databaseKinds())('live bulk_import.update events on %s', (kind) => {
  let t: TestServer;
  let ana: string;
  let ben: string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ana = await t.addUser('ana');
    ben = await t.addUser('ben');
  });
  afterAll(async () => t?.close());

  it('sends the current state first, then each change, and only to the job owner', async () => {
    const jobId = (await api(t.url, ana).init()).body.job_id as string;
    const anaWs = wsClient(t, ana);
    const benWs = wsClient(t, ben);
    const mine = collect((h) => anaWs.client.bulkImport.updates.subscribe({ job_id: jobId }, h));
    const everything = collect((h) => benWs.client.bulkImport.updates.subscribe({}, h));
    await mine.until(() => mine.events.length >= 1);
    expect(mine.events[0]).toMatchObject({
      type: 'bulk_import.update',
      job_id: jobId,
      status: 'queued',
      files: [],
    });

    const [kick] = await fixtureEntries(['oneshots/Kick_03.wav']);
    await api(t.url, ana).ingest({ job_id: jobId, entries: [kick!.entry] });
    await mine.until(() => mine.events.some((e) => e.files.length > 0));
    const update = mine.events.find((e) => e.files.length > 0)!;
    expect(update.status).toBe('running');
    expect(update.totals.queued).toBe(1);
    expect(update.files).toEqual([
      expect.objectContaining({ path: 'oneshots/Kick_03.wav', state: 'pending_upload' }),
    ]);
    // Ben's feed of all his jobs got nothing of Ana's.
    await new Promise((r) => setTimeout(r, 300));
    expect(everything.events.filter((e) => e.job_id === jobId)).toEqual([]);

    mine.unsubscribe();
    everything.unsubscribe();
    await anaWs.ws.close();
    await benWs.ws.close();
  });

  it('a client that reconnects gets the state it missed first', async () => {
    const jobId = (await api(t.url, ana).init()).body.job_id as string;
    const [a, b] = await fixtureEntries(['oneshots/Piano_C4.aifc', 'dupes/Piano_C4_24.wav']);
    await api(t.url, ana).ingest({ job_id: jobId, entries: [a!.entry, b!.entry], last: true });
    const later = wsClient(t, ana);
    const feed = collect((h) => later.client.bulkImport.updates.subscribe({ job_id: jobId }, h));
    await feed.until(() => feed.events.length >= 1);
    expect(feed.events[0]!.totals).toEqual({
      queued: 1,
      processing: 0,
      completed: 0,
      duplicates: 1,
      failed: 0,
      similar: 0,
    });
    expect(feed.events[0]!.files.map((f) => f.state)).toEqual(['pending_upload', 'duplicate']);
    feed.unsubscribe();
    await later.ws.close();
  });

  it("refuses another user's job and an unauthenticated socket", async () => {
    const jobId = (await api(t.url, ana).init()).body.job_id as string;
    const benWs = wsClient(t, ben);
    const theirs = collect((h) => benWs.client.bulkImport.updates.subscribe({ job_id: jobId }, h));
    await theirs.until(() => theirs.errors.length > 0);
    expect(String(theirs.errors[0])).toMatch(/no import job/);
    expect(theirs.events).toEqual([]);
    await benWs.ws.close();

    const anonymous = wsClient(t, 'smt_not-a-real-token');
    const none = collect((h) => anonymous.client.bulkImport.updates.subscribe({}, h));
    await none.until(() => none.errors.length > 0);
    expect(String(none.errors[0])).toMatch(/token is not valid/);
    await anonymous.ws.close();
  });
});
