import { resolve } from 'node:path';
import { z } from 'zod';
import { limitsEnvShape, limitsFromEnv, type ServerLimits } from './limits.js';
import { parseS3Url } from '../../shared/s3/s3-url.js';
import { S3_MAX_PUT_BYTES, type S3Location } from './objects/s3-location.js';

const positiveInt = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be greater than 0`);

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce
    .number({ error: 'PORT must be a number' })
    .int('PORT must be a whole number')
    .min(0, 'PORT must be between 0 and 65535')
    .max(65535, 'PORT must be between 0 and 65535')
    .default(8420),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  OBJECT_STORE: z
    .string()
    .refine((v) => v === 'local' || parseS3Url(v) !== null, {
      error: 'OBJECT_STORE must be local or s3://BUCKET/PREFIX (a valid bucket name)',
    })
    .default('local'),
  OBJECT_STORE_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'OBJECT_STORE_ENDPOINT must be an http(s):// URL' })
    .optional(),
  SECRET_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'SECRET_KEY must be 64 hex digits (32 random bytes)')
    .optional(),
  BUCKET_ENDPOINTS: z
    .string()
    .refine(
      (v) => v.split(',').every((e) => /^https?:\/\/[^/\s]+\/?$/.test(e.trim())),
      'BUCKET_ENDPOINTS must be a comma-separated list of http(s)://HOST[:PORT]',
    )
    .optional(),
  BUCKET_WORKERS: z.coerce
    .number({ error: 'BUCKET_WORKERS must be a number' })
    .int('BUCKET_WORKERS must be a whole number')
    .min(0, 'BUCKET_WORKERS must be 0 or more')
    .max(64, 'BUCKET_WORKERS must be at most 64')
    .default(2),
  BUCKET_OBJECT_TIMEOUT_SECONDS: z.coerce
    .number({ error: 'BUCKET_OBJECT_TIMEOUT_SECONDS must be a number' })
    .int('BUCKET_OBJECT_TIMEOUT_SECONDS must be a whole number')
    .min(2, 'BUCKET_OBJECT_TIMEOUT_SECONDS must be at least 2')
    .max(6 * 3600, 'BUCKET_OBJECT_TIMEOUT_SECONDS must be at most 21600 (6 hours)')
    .default(1800),
  MAX_UPLOAD_BYTES: positiveInt('MAX_UPLOAD_BYTES').default(4 * 1024 ** 3),
  UPLOAD_EXPIRY_HOURS: z.coerce
    .number({ error: 'UPLOAD_EXPIRY_HOURS must be a number' })
    .positive('UPLOAD_EXPIRY_HOURS must be greater than 0')
    .default(24),
  DEFAULT_QUOTA_BYTES: positiveInt('DEFAULT_QUOTA_BYTES').optional(),
  DEFAULT_QUOTA_FILES: positiveInt('DEFAULT_QUOTA_FILES').optional(),
  ...limitsEnvShape,
  TRUST_PROXY: z.enum(['0', '1'], { error: 'TRUST_PROXY must be 0 or 1' }).default('0'),
  SM_REFINGERPRINT: z
    .enum(['on', 'off'], { error: 'SM_REFINGERPRINT must be on or off' })
    .default('on'),
});

export interface ServerConfig {
  host: string;
  port: number;
  /** Absolute; holds the PGlite database, objects and unfinished uploads. */
  dataDir: string;
  /** A PostgreSQL server instead of the embedded PGlite, when set. */
  databaseUrl: string | null;
  /** An S3 bucket for library files instead of `DATA_DIR/objects`, when set. */
  objectStore: S3Location | null;
  maxUploadBytes: number;
  /** Seals bucket credentials at rest (hex); null: a key kept in `DATA_DIR/secret.key`. */
  secretKey: string | null;
  /** Origins of S3-compatible stores a bucket import may name (AWS is always allowed). */
  bucketEndpoints: string[];
  /** Objects of bucket imports this process fetches and analyses at once (0: none). */
  bucketWorkers: number;
  /** How long one object may take before the queue gives it to another worker (a dead one's). */
  bucketObjectTimeoutSeconds: number;
  uploadExpiryMs: number;
  defaultQuotaBytes: number | null;
  defaultQuotaFiles: number | null;
  /** Body sizes, timeouts, live connections and rate limits (limits.ts). */
  limits: ServerLimits;
  /** Whether X-Forwarded-Proto and X-Forwarded-Host are believed (a reverse proxy sets them). */
  trustProxy: boolean;
  /** Whether stored files with an outdated fingerprint are re-fingerprinted after start. */
  refingerprint: boolean;
}

/** A start-up setting that is wrong; its message names the variable and what it must be. */
export class ConfigError extends Error {
  readonly code = 'CONFIG';
  override name = 'ConfigError';
}

/**
 * Reads the server's settings from the environment (empty values count as unset).
 * @throws ConfigError naming every variable that is wrong.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const bucket = e.OBJECT_STORE === 'local' ? null : parseS3Url(e.OBJECT_STORE);
  const problems: string[] = [];
  if (!bucket && e.OBJECT_STORE_ENDPOINT)
    problems.push('  OBJECT_STORE_ENDPOINT: set only with OBJECT_STORE=s3://BUCKET/PREFIX');
  if (bucket && e.MAX_UPLOAD_BYTES > S3_MAX_PUT_BYTES)
    problems.push(
      `  MAX_UPLOAD_BYTES: at most ${S3_MAX_PUT_BYTES} (5 GiB, one S3 PUT) with an S3 object store`,
    );
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  return {
    host: e.HOST,
    port: e.PORT,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    objectStore: bucket && { ...bucket, endpoint: e.OBJECT_STORE_ENDPOINT ?? null },
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    secretKey: e.SECRET_KEY ?? null,
    bucketEndpoints: (e.BUCKET_ENDPOINTS ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .map((v) => new URL(v).origin),
    bucketWorkers: e.BUCKET_WORKERS,
    bucketObjectTimeoutSeconds: e.BUCKET_OBJECT_TIMEOUT_SECONDS,
    uploadExpiryMs: e.UPLOAD_EXPIRY_HOURS * 3600_000,
    defaultQuotaBytes: e.DEFAULT_QUOTA_BYTES ?? null,
    defaultQuotaFiles: e.DEFAULT_QUOTA_FILES ?? null,
    limits: limitsFromEnv(e),
    trustProxy: e.TRUST_PROXY === '1',
    refingerprint: e.SM_REFINGERPRINT === 'on',
  };
}
