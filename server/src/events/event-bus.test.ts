import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BulkImportUpdate, FileUpdate } from '../../../shared/schemas/index.js';
import { noticePayloads } from './event-bus.js';

// Events between server processes go through PostgreSQL NOTIFY, whose payload must stay under
// 8,000 bytes: a large update is split by files, and every file's update still arrives.

function fileUpdate(path: string, similar = 0): FileUpdate {
  return {
    entry_id: randomUUID(),
    path,
    state: 'done',
    reason: null,
    asset_id: randomUUID(),
    similar_to: Array.from({ length: similar }, (_, i) => ({
      asset_id: randomUUID(),
      entry_id: null,
      path: `${'ж'.repeat(1000)}/${i}.wav`,
    })),
  };
}

function update(files: FileUpdate[]): BulkImportUpdate {
  return {
    type: 'bulk_import.update',
    job_id: randomUUID(),
    status: 'running',
    totals: { queued: 1, processing: 2, completed: 3, duplicates: 0, failed: 0, similar: 0 },
    files,
  };
}

describe('noticePayloads', () => {
  it('sends a small event whole', () => {
    const event = update([fileUpdate('kick.wav')]);
    const payloads = noticePayloads({ from: 'p1', owner: 'u1', event });
    expect(payloads.map((p) => JSON.parse(p))).toEqual([{ from: 'p1', owner: 'u1', event }]);
  });

  it('splits a large event by files, each part under the limit with the job status', () => {
    const files = Array.from({ length: 500 }, (_, i) => fileUpdate(`pack/loops/loop ${i}.wav`));
    const event = update(files);
    const payloads = noticePayloads({ from: 'p1', owner: 'u1', event });
    expect(payloads.length).toBeGreaterThan(5);
    const parts = payloads.map((p) => JSON.parse(p) as { event: BulkImportUpdate });
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    for (const part of parts) {
      expect(part.event).toMatchObject({ job_id: event.job_id, status: 'running' });
      expect(part.event.totals).toEqual(event.totals);
    }
    expect(parts.flatMap((p) => p.event.files)).toEqual(files);
  });

  it('trims a single oversized file update to its last similar sounds that fit', () => {
    const big = fileUpdate(`${'ж'.repeat(1000)}.wav`, 5);
    const payloads = noticePayloads({ from: 'p1', owner: 'u1', event: update([big]) });
    expect(payloads).toHaveLength(1);
    expect(Buffer.byteLength(payloads[0]!)).toBeLessThan(8000);
    const sent = (JSON.parse(payloads[0]!) as { event: BulkImportUpdate }).event.files[0]!;
    expect(sent).toMatchObject({ entry_id: big.entry_id, state: 'done', asset_id: big.asset_id });
    expect(sent.similar_to).toEqual(big.similar_to.slice(0, sent.similar_to.length));
    expect(sent.similar_to.length).toBeLessThan(5);
  });
});
