import type { Page } from '@playwright/test';
import xxhash from 'xxhash-wasm';
import {
  ingestResponseSchema,
  type FingerprintInput,
  type ManifestEntry,
} from '../../shared/schemas/index.js';
import { api } from '../../testing/api.js';
import { expectLibraryTotal } from './wizard.js';

/** A sound put in the library with the analysis the test decides (not the analyser's). */
export interface SeedSound {
  path: string;
  bytes: Buffer;
  kind: 'oneshot' | 'loop' | 'track';
  key: string | null;
  bpm: number | null;
  /** The fingerprint sm-import would send (similar sounds by timbre read it); none by default. */
  fingerprint?: FingerprintInput;
}

/**
 * Puts `sounds` in the user's library as the CLI does (REST init and ingest, then each file's
 * bytes in its tus creation request), with their kind, key and tempo as given: a library whose
 * truth the test sets. Rejects unless every sound is stored.
 */
export async function seedLibrary(
  server: { url: string; token: string },
  sounds: SeedSound[],
): Promise<void> {
  const hasher = await xxhash();
  const client = api(server.url, server.token);
  const init = await client.init({ source: 'e2e seed' });
  const jobId = (init.body as { job_id?: unknown }).job_id;
  if (init.status !== 201 || typeof jobId !== 'string') {
    throw new Error(`init answered ${init.status}: ${JSON.stringify(init.body)}`);
  }
  const entries: ManifestEntry[] = sounds.map((s) => ({
    status: 'ok',
    path: s.path,
    content_hash: hasher.h64Raw(new Uint8Array(s.bytes)).toString(16).padStart(16, '0'),
    size_bytes: s.bytes.length,
    format: 'wav',
    kind: s.kind,
    key: s.key,
    bpm: s.bpm,
    ...(s.fingerprint ? { fingerprint: s.fingerprint } : {}),
  }));
  const answer = await client.ingest({ job_id: jobId, entries, last: true });
  const { items } = ingestResponseSchema.parse(answer.body);
  for (const [i, item] of items.entries()) {
    const bytes = sounds[i]!.bytes;
    if (!item.ok || !item.upload || !item.entry_id) {
      throw new Error(`${sounds[i]!.path} was not accepted: ${JSON.stringify(item)}`);
    }
    const res = await fetch(`${server.url}/api/v1/uploads`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.token}`,
        'tus-resumable': '1.0.0',
        'upload-length': String(bytes.length),
        'upload-metadata': `entry_id ${Buffer.from(item.entry_id).toString('base64')}`,
        'content-type': 'application/offset+octet-stream',
      },
      body: new Uint8Array(bytes),
    });
    if (res.status !== 201 || res.headers.get('x-entry-state') !== 'done') {
      throw new Error(`${sounds[i]!.path}: upload answered ${res.status} ${await res.text()}`);
    }
  }
}

/** Seeds the library with `sounds` (seedLibrary) and opens the library page once it lists them. */
export async function openSeededLibrary(
  page: Page,
  server: { url: string; token: string },
  sounds: SeedSound[],
): Promise<void> {
  await seedLibrary(server, sounds);
  await page.goto(`${server.url}/library`);
  await expectLibraryTotal(page, sounds.length);
}
