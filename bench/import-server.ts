/**
 * The server one import of `npm run bench:import` runs against: `sm-server start` on the
 * embedded defaults (a fresh temporary DATA_DIR with PGlite, a free port) with one user. It
 * records every file update of that user's jobs from the live feed (what the server decided
 * for each file, and the asset it ended as), and reads the library back over tRPC.
 */
import { rmSync } from 'node:fs';
import { createTRPCClient, createWSClient, httpLink, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import type { AppRouter } from '../server/src/index.js';
import type { FileUpdate, LibraryItem } from '../shared/schemas/index.js';
import { benchClient, type BenchClient } from './server-api.js';
import { createServerData, type ServerData } from '../testing/server-data.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { meterTree, type TreeMeter } from './tree-meter.js';

/** Every file update of one job, the last one of each path. */
export type JobFiles = Map<string, FileUpdate>;

/** One answer to the probe: when it was sent (performance.now()) and how long it took (ms). */
export interface ProbeAnswer {
  at: number;
  ms: number;
  ok: boolean;
}

/** A live-feed event that carried many files at once: a manifest batch answered. */
export interface BatchEvent {
  at: number;
  files: number;
}

export interface ImportServer {
  url: string;
  token: string;
  process: ServerProcess;
  db: ServerData;
  rest: BenchClient;
  /** The server process's memory, read every half second since it started listening. */
  meter: TreeMeter;
  /** The file updates the live feed carried for a job so far. */
  filesOf(jobId: string): JobFiles;
  /** Every sound in the user's library (all pages of `library.list`, newest first). */
  library(): Promise<LibraryItem[]>;
  /**
   * Asks the server something small (tRPC `me`: the token checked in the database) once a
   * second, one request at a time, until stopped: how long it takes to answer shows the
   * stretches in which the server (or its database) answers nobody.
   */
  probe(): { stop(): Promise<ProbeAnswer[]> };
  /** Live-feed events with at least `BATCH_EVENT_FILES` files, since the server started. */
  batchEvents: BatchEvent[];
  /** Unsubscribes, stops the server and removes its data (safe to call twice). */
  close(): Promise<void>;
}

const PAGE = 500;
/** An update with this many files or more answers a manifest batch (an upload has one). */
export const BATCH_EVENT_FILES = 50;
const servers = new Set<ImportServer>();

/** Closes every server still open (the benchmark is stopping). */
export async function closeImportServers(): Promise<void> {
  await Promise.all([...servers].map((s) => s.close()));
}

/** Synchronous last resort on exit: kills the servers still running and removes their data. */
export function killImportServers(): void {
  for (const s of servers) {
    if (s.process.exitStatus() === null) {
      try {
        process.kill(s.process.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(s.db.dataDir, { recursive: true, force: true });
  }
}

/** Starts a fresh server with a user `bench` (see the module). */
export async function startImportServer(): Promise<ImportServer> {
  const db = await createServerData({ label: 'bench' });
  let server: ServerProcess;
  try {
    server = await startServerProcess({ data: db, users: ['bench'] });
  } catch (error) {
    await db.dispose();
    throw error;
  }
  const token = server.tokens.bench!;
  const meter = meterTree(server.pid);
  const headers = { authorization: `Bearer ${token}` };
  const http = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${server.url}/trpc`, headers })],
  });
  const ws = createWSClient({
    url: `${server.url.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
  });
  const live = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  const jobs = new Map<string, JobFiles>();
  const batchEvents: BatchEvent[] = [];
  const subscription = live.bulkImport.updates.subscribe(
    {},
    {
      onData: (event) => {
        const files = jobs.get(event.job_id) ?? new Map<string, FileUpdate>();
        jobs.set(event.job_id, files);
        for (const file of event.files) files.set(file.path, file);
        if (event.files.length >= BATCH_EVENT_FILES) {
          batchEvents.push({ at: performance.now(), files: event.files.length });
        }
      },
      onError: () => {},
    },
  );
  let closing: Promise<void> | null = null;
  const handle: ImportServer = {
    url: server.url,
    token,
    process: server,
    db,
    rest: benchClient(server.url, token),
    meter,
    filesOf: (jobId) => jobs.get(jobId) ?? new Map<string, FileUpdate>(),
    batchEvents,
    probe() {
      const answers: ProbeAnswer[] = [];
      let running = true;
      const loop = (async () => {
        while (running) {
          const at = performance.now();
          const ok = await http.me.query().then(
            () => true,
            () => false,
          );
          answers.push({ at, ms: performance.now() - at, ok });
          const wait = Math.max(0, 1000 - (performance.now() - at));
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      })();
      return {
        async stop() {
          running = false;
          await loop;
          return answers;
        },
      };
    },
    async library() {
      const items: LibraryItem[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const page = await http.library.list.query({ limit: PAGE, offset, sort: 'newest' });
        items.push(...page.items);
        if (page.items.length < PAGE || items.length >= page.total) return items;
      }
    },
    close: () =>
      (closing ??= (async () => {
        subscription.unsubscribe();
        meter.stop();
        await ws.close().catch(() => undefined);
        await server
          .stop()
          .catch((e: unknown) => console.error(`stopping the server: ${String(e)}`));
        await db.dispose().catch((e: unknown) => console.error(`removing its data: ${String(e)}`));
        servers.delete(handle);
      })()),
  };
  servers.add(handle);
  return handle;
}
