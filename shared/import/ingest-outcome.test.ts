import { describe, expect, it } from 'vitest';
import type { IngestItem } from '../schemas/index.js';
import { ingestItem } from '../../testing/ingest-answers.js';
import { ingestOutcome } from './ingest-outcome.js';

const ENTRY = '7f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';

const item = (patch: Partial<IngestItem>) => ingestItem({ entry_id: ENTRY, ...patch });

describe('ingestOutcome', () => {
  it('a refused entry failed for good, with the server reason or its status', () => {
    expect(
      ingestOutcome(item({ ok: false, entry_id: null, state: null, reason: 'bad key' })),
    ).toEqual({ stage: 'failed', entryId: null, reason: 'bad key', retryable: false });
    expect(
      ingestOutcome(item({ ok: false, entry_id: null, state: null, status_code: 409 })),
    ).toEqual({
      stage: 'failed',
      entryId: null,
      reason: 'the server refused it (409)',
      retryable: false,
    });
  });

  it('a failed or cancelled entry of the job can be retried', () => {
    expect(ingestOutcome(item({ state: 'failed', reason: 'unreadable' }))).toMatchObject({
      stage: 'failed',
      entryId: ENTRY,
      retryable: true,
    });
    expect(ingestOutcome(item({ state: 'cancelled' }))).toMatchObject({
      stage: 'failed',
      reason: 'the server refused it (cancelled)',
    });
  });

  it('a duplicate names what it repeats', () => {
    const of = { asset_id: null, entry_id: null, path: 'Old/Kick.wav', match: 'content' as const };
    expect(ingestOutcome(item({ state: 'duplicate', upload: false, duplicate_of: of }))).toEqual({
      stage: 'duplicate',
      entryId: ENTRY,
      duplicateOf: of,
    });
  });

  it('a kept entry waits for its bytes, or is done when the server has them, with its similar sounds', () => {
    const similar = [{ asset_id: null, entry_id: null, path: 'Kick 2.wav' }];
    expect(ingestOutcome(item({ similar_to: similar }))).toEqual({
      stage: 'pending_upload',
      entryId: ENTRY,
      similarTo: ['Kick 2.wav'],
    });
    expect(ingestOutcome(item({ state: 'done', upload: false }))).toMatchObject({ stage: 'done' });
  });
});
