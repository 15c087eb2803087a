import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { BulkImportUpdate, FileUpdate } from '../../../shared/schemas/index.js';

/**
 * `bulk_import.update` events, delivered only to the listeners of the job's owner. This one
 * reaches the listeners of this process: enough for one server on PGlite or PostgreSQL.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(ownerId: string, event: BulkImportUpdate): void {
    this.deliver(ownerId, event);
  }

  /** Calls `listener` with each event of the owner's jobs until the returned function is called. */
  subscribe(ownerId: string, listener: (event: BulkImportUpdate) => void): () => void {
    this.emitter.on(ownerId, listener);
    return () => this.emitter.off(ownerId, listener);
  }

  async close(): Promise<void> {}

  /** Hands the event to this process's listeners. */
  protected deliver(ownerId: string, event: BulkImportUpdate): void {
    this.emitter.emit(ownerId, event);
  }
}

/** The PostgreSQL channel that carries events between server processes. */
export const EVENT_CHANNEL = 'sm_bulk_import_update';
/** The `application_name` of the connection each process listens on (pg_stat_activity). */
export const EVENT_CONNECTION_NAME = 'sm-server live events';
/** PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; events are split below this. */
const MAX_PAYLOAD_BYTES = 7_600;
const RECONNECT_MS = [250, 1_000, 5_000];

/** What one NOTIFY carries: the publishing process, the owner, and the event (or a part of it). */
interface Notice {
  from: string;
  owner: string;
  event: BulkImportUpdate;
}

/**
 * The events of every server process on one PostgreSQL database: each is delivered here at
 * once and sent to the others with NOTIFY on {@link EVENT_CHANNEL}, which each process LISTENs
 * to on a connection of its own. An event whose files do not fit one notification goes as
 * several, each with the job's status and totals and some of the files (listeners take an
 * update per file already). While the connection is lost (and reopened, with back-off), events
 * reach only this process's listeners; the line in the log says so.
 */
export class PostgresEventBus extends EventBus {
  private readonly id = randomUUID();
  private client: pg.Client | null = null;
  private closed = false;
  private sending: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly databaseUrl: string,
    private readonly log: (line: string) => void,
  ) {
    super();
  }

  /** Connects and listens; throws when the database cannot be reached. */
  static async open(databaseUrl: string, log: (line: string) => void): Promise<PostgresEventBus> {
    const bus = new PostgresEventBus(databaseUrl, log);
    bus.client = await bus.listen();
    return bus;
  }

  override publish(ownerId: string, event: BulkImportUpdate): void {
    this.deliver(ownerId, event);
    const client = this.client;
    if (!client) return;
    const payloads = noticePayloads({ from: this.id, owner: ownerId, event });
    // One after another on one connection: other processes see them in this order.
    this.sending = this.sending.then(async () => {
      for (const payload of payloads) {
        await client.query('SELECT pg_notify($1, $2)', [EVENT_CHANNEL, payload]).catch(() => {
          // A lost connection is reported and reopened by its 'error' handler.
        });
      }
    });
  }

  override async close(): Promise<void> {
    this.closed = true;
    await this.sending;
    await this.client?.end().catch(() => {});
    this.client = null;
  }

  private async listen(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: EVENT_CONNECTION_NAME,
    });
    client.on('notification', (message) => {
      if (message.channel !== EVENT_CHANNEL || !message.payload) return;
      const notice = JSON.parse(message.payload) as Notice;
      if (notice.from !== this.id) this.deliver(notice.owner, notice.event);
    });
    client.on('error', (error) => void this.reconnect(client, error));
    await client.connect();
    await client.query(`LISTEN ${EVENT_CHANNEL}`);
    return client;
  }

  private async reconnect(lost: pg.Client, error: Error): Promise<void> {
    if (this.closed || this.client !== lost) return;
    this.client = null;
    void lost.end().catch(() => {});
    this.log(
      `live events: lost the database connection (${error.message}); other server processes miss this one's events until it is back`,
    );
    for (let attempt = 0; !this.closed; attempt++) {
      await sleep(RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)]);
      try {
        const client = await this.listen();
        if (this.closed) {
          await client.end();
          return;
        }
        this.client = client;
        this.log('live events: connected to the database again');
        return;
      } catch {
        // Tried again after the next pause.
      }
    }
  }
}

/**
 * The event as NOTIFY payloads under PostgreSQL's size limit, split by files when needed. A
 * file's update too large alone (long paths in many scripts) loses its last similar sounds, then
 * the tail of its reason: the state and ids always arrive.
 */
export function noticePayloads(notice: Notice): string[] {
  const whole = JSON.stringify(notice);
  if (Buffer.byteLength(whole) <= MAX_PAYLOAD_BYTES) return [whole];
  const bare = JSON.stringify({ ...notice, event: { ...notice.event, files: [] } });
  const room = MAX_PAYLOAD_BYTES - Buffer.byteLength(bare);
  const payloads: string[] = [];
  let files: FileUpdate[] = [];
  let bytes = 0;
  const flush = () => {
    if (files.length > 0)
      payloads.push(JSON.stringify({ ...notice, event: { ...notice.event, files } }));
    files = [];
    bytes = 0;
  };
  for (const update of notice.event.files) {
    const file = fitted(update, room);
    const size = jsonBytes(file) + 1;
    if (bytes + size > room) flush();
    files.push(file);
    bytes += size;
  }
  flush();
  return payloads;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

function fitted(file: FileUpdate, room: number): FileUpdate {
  let fit = file;
  while (jsonBytes(fit) >= room && fit.similar_to.length > 0)
    fit = { ...fit, similar_to: fit.similar_to.slice(0, -1) };
  if (jsonBytes(fit) >= room && fit.reason)
    fit = { ...fit, reason: `${fit.reason.slice(0, 200)}…` };
  return fit;
}
