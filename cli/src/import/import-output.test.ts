import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { JobStatusResponse } from '../../../shared/schemas/index.js';
import { excludedEventSchema, jobStatusResponseSchema } from '../../../shared/schemas/index.js';
import { ImportOutput, pace } from './import-output.js';

// What `sm-import import` tells: JSON events for scripts, a summary for people.

function output(json: boolean) {
  const out = new PassThrough();
  const err = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  let text = '';
  out.setEncoding('utf8').on('data', (s: string) => (text += s));
  return {
    output: new ImportOutput(json, out, err),
    text: () => text,
    /** The JSON lines written so far, parsed. */
    events: () =>
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
  };
}

describe('ImportOutput', () => {
  it('reports a stored file with the sounds it is similar to, and counts it', () => {
    const { output: o, events } = output(true);
    o.stored('drums/Kick.wav', []);
    o.stored('drums/Kick (take 2).wav', ['drums/Kick.wav']);
    expect(events()).toEqual([
      { type: 'file', path: 'drums/Kick.wav', state: 'done', similar_to: [] },
      {
        type: 'file',
        path: 'drums/Kick (take 2).wav',
        state: 'done',
        similar_to: ['drums/Kick.wav'],
      },
    ]);
    expect(o.counts).toMatchObject({ uploaded: 2, similar: 1 });
  });

  it('tells uploads retrying once, not once per upload, and again after a while', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const { output: o, events } = output(true);
      for (let i = 0; i < 4; i++) o.uploadRetrying('cannot reach the server (ECONNREFUSED)');
      vi.setSystemTime(11_000);
      o.uploadRetrying('the server is restarting');
      expect(events()).toEqual([
        {
          type: 'note',
          message:
            'uploads: cannot reach the server (ECONNREFUSED); retrying, each upload resumes where it stopped',
        },
        {
          type: 'note',
          message:
            'uploads: the server is restarting; retrying, each upload resumes where it stopped',
        },
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says in the summary how many were kept beside a similar sound, when any were', () => {
    const none = output(false);
    none.output.stored('Kick.wav', []);
    none.output.finish(null, [], 'Job 1: completed');
    expect(none.text()).not.toContain('similar');

    const some = output(false);
    some.output.stored('Kick.wav', []);
    some.output.stored('Kick (take 2).wav', ['Kick.wav']);
    some.output.finish(null, [], 'Job 1: completed');
    expect(some.text()).toMatch(/^ {2}uploaded {3}2 /m);
    expect(some.text()).toMatch(
      /^ {2}similar {4}1 kept beside a similar sound — both kept; listen in the library$/m,
    );
  });

  /** A bucket job's end: 300 objects excluded, the server naming the first two. */
  function bucketJob(): JobStatusResponse {
    return jobStatusResponseSchema.parse({
      job_id: '0b9c1a52-3c4d-4e5f-8a6b-7c8d9e0f1a2b',
      status: 'completed',
      totals: { queued: 0, processing: 0, completed: 4, duplicates: 1, failed: 0, similar: 0 },
      errors: [],
      source: 'sm-import s3://samples/packs',
      on_duplicate: 'skip',
      manifest_closed: true,
      created_at: '2026-12-07T00:00:00.000Z',
      updated_at: '2026-12-07T00:01:00.000Z',
      bucket: {
        listed: 5,
        listing_done: true,
        excluded: 300,
        excluded_sample: [
          { path: 'Old/pad.wav', reason: { pattern: 'Old/', source: '.smignore', line: 2 } },
          { path: 'mix.mp3', reason: { pattern: '*.mp3', source: 'exclude', line: null } },
        ],
      },
    });
  }

  it("names a bucket job's excluded objects as events before its final line, with --json", () => {
    const { output: o, events } = output(true);
    o.finishJob(bucketJob(), 'Job: completed');
    const lines = events();
    expect(lines.slice(0, 2).map((l) => excludedEventSchema.parse(l))).toEqual([
      { type: 'excluded', path: 'Old/pad.wav', pattern: 'Old/', source: '.smignore', line: 2 },
      { type: 'excluded', path: 'mix.mp3', pattern: '*.mp3', source: 'exclude', line: null },
    ]);
    expect(lines).toHaveLength(3);
    expect(jobStatusResponseSchema.parse(lines[2]).bucket?.excluded).toBe(300);
    expect(o.counts.excluded).toBe(300);
  });

  it("says in a bucket job's summary how many objects were excluded", () => {
    const { output: o, text } = output(false);
    o.finishJob(bucketJob(), 'Job: completed');
    expect(text()).toMatch(
      /^ {2}excluded {3}300 \(by --exclude or a \.smignore; --json names the first 2 and why\)$/m,
    );
    const none = output(false);
    none.output.finishJob({ ...bucketJob(), bucket: undefined }, 'Job: completed');
    expect(none.text()).not.toContain('excluded');
  });
});

describe('pace', () => {
  const MB = 1024 * 1024;
  const none = { bytesSent: 0, bytesToSend: 0 };
  it("times the analysis by the analysis's own pace while it runs, not by files uploaded", () => {
    expect(pace(none, 20_000, { done: 100, filesPerS: 5, etaS: 140 }, null)).toBe(
      'analysing 5.0 files/s, ETA 2 min 20 s',
    );
    expect(pace(none, 1_000, null, null)).toBe('');
    expect(pace(none, 30_000, { done: 800, filesPerS: 5, etaS: 0 }, null)).toBe(
      'checking with the server',
    );
  });

  it('times the uploads by bytes sent since the first bytes were queued', () => {
    const from = { at: 60_000, sent: 0 };
    const counts = { bytesSent: 20 * MB, bytesToSend: 100 * MB };
    // 20 MB in 10 s: 2 MB a second, 80 MB left
    expect(pace(counts, 70_000, null, from)).toBe('uploading 2.0 MB/s, ETA 40.0 s');
    expect(pace({ ...counts, bytesSent: 0 }, 61_000, null, from)).toBe('uploading');
    expect(pace({ ...counts, bytesSent: 100 * MB }, 90_000, null, from)).toBe('all sent');
  });
});
