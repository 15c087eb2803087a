import { z } from 'zod';
import type { RateLimitSettings } from './http/rate-limit.js';
import { MAX_JSON_BYTES } from './http/respond.js';

/** Most calls one tRPC HTTP batch may hold (the web app batches at most 4). */
export const MAX_TRPC_BATCH_CALLS = 50;
/** Largest WebSocket message the server reads. */
export const MAX_WS_MESSAGE_BYTES = 1024 * 1024;

const seconds = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number of seconds` })
    .positive(`${name} must be greater than 0`);
const count = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be greater than 0`);

/** The environment variables of the limits (part of config.ts's schema), with their defaults. */
export const limitsEnvShape = {
  REQUEST_TIMEOUT_SECONDS: seconds('REQUEST_TIMEOUT_SECONDS').default(600),
  HEADERS_TIMEOUT_SECONDS: seconds('HEADERS_TIMEOUT_SECONDS').default(30),
  IDLE_TIMEOUT_SECONDS: seconds('IDLE_TIMEOUT_SECONDS').default(120),
  KEEP_ALIVE_TIMEOUT_SECONDS: seconds('KEEP_ALIVE_TIMEOUT_SECONDS').default(5),
  WS_CONNECTIONS_PER_USER: count('WS_CONNECTIONS_PER_USER').default(16),
  WS_SUBSCRIPTIONS_PER_CONNECTION: count('WS_SUBSCRIPTIONS_PER_CONNECTION').default(32),
  JOB_STARTS_PER_MINUTE: count('JOB_STARTS_PER_MINUTE').default(60),
  JOB_STARTS_BURST: count('JOB_STARTS_BURST').default(20),
  TOKEN_FAILURES_PER_MINUTE: count('TOKEN_FAILURES_PER_MINUTE').default(20),
  TOKEN_FAILURES_BURST: count('TOKEN_FAILURES_BURST').default(60),
};

type LimitsEnv = z.infer<z.ZodObject<typeof limitsEnvShape>>;

/** What one client may ask of the server: sizes, time, concurrency and rates. */
export interface ServerLimits {
  /** Time to receive a whole request, headers and body (a tus chunk on a slow link). */
  requestTimeoutMs: number;
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** A connection on which nothing moves for this long, while the client owes bytes or reads none, is closed. */
  idleTimeoutMs: number;
  /** How long a kept-alive connection waits for its next request. */
  keepAliveTimeoutMs: number;
  maxJsonBytes: number;
  maxTrpcBatchCalls: number;
  maxWsMessageBytes: number;
  wsConnectionsPerUser: number;
  wsSubscriptionsPerConnection: number;
  /** New import jobs (`init`, REST and tRPC), per user. */
  jobStarts: RateLimitSettings;
  /** Requests answered 401 (a missing, wrong or revoked token), per client address. */
  tokenFailures: RateLimitSettings;
}

/** The limits from their parsed environment variables. */
export function limitsFromEnv(e: LimitsEnv): ServerLimits {
  const requestTimeoutMs = e.REQUEST_TIMEOUT_SECONDS * 1000;
  return {
    requestTimeoutMs,
    // Node refuses a headers timeout longer than the request timeout.
    headersTimeoutMs: Math.min(e.HEADERS_TIMEOUT_SECONDS * 1000, requestTimeoutMs),
    idleTimeoutMs: e.IDLE_TIMEOUT_SECONDS * 1000,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    maxJsonBytes: MAX_JSON_BYTES,
    maxTrpcBatchCalls: MAX_TRPC_BATCH_CALLS,
    maxWsMessageBytes: MAX_WS_MESSAGE_BYTES,
    wsConnectionsPerUser: e.WS_CONNECTIONS_PER_USER,
    wsSubscriptionsPerConnection: e.WS_SUBSCRIPTIONS_PER_CONNECTION,
    jobStarts: { perMinute: e.JOB_STARTS_PER_MINUTE, burst: e.JOB_STARTS_BURST },
    tokenFailures: { perMinute: e.TOKEN_FAILURES_PER_MINUTE, burst: e.TOKEN_FAILURES_BURST },
  };
}

/** The limits when no variable sets them. */
export const DEFAULT_LIMITS: ServerLimits = limitsFromEnv(z.object(limitsEnvShape).parse({}));
