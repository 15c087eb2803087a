import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ingestAnswer } from '../../testing/ingest-answers.js';
import type { IngestResponse, ManifestEntry } from '../schemas/index.js';
import type { IngestOutcome } from './ingest-outcome.js';
import { ManifestSender } from './manifest-sender.js';

// The sender against a fake server whose answers the test releases one by one: what each
// ingest call carries, and when it goes.

interface Call {
  paths: string[];
  last: boolean;
  answer: () => void;
}

function fakeRun() {
  const calls: Call[] = [];
  const uploaded: string[] = [];
  const answered: [string, IngestOutcome][] = [];
  const sender = new ManifestSender({
    entries: (keys) => keys.map((path) => ({ path }) as ManifestEntry),
    ingest(sent: ManifestEntry[], last: boolean): Promise<IngestResponse> {
      return new Promise((resolve) => {
        calls.push({
          paths: sent.map((e) => e.path),
          last,
          answer: () => resolve(ingestAnswer(randomUUID(), sent)),
        });
      });
    },
    answered(key, outcome) {
      answered.push([key, outcome]);
      if (outcome.stage === 'pending_upload') uploaded.push(key);
    },
  });
  const add = (...paths: string[]) => {
    for (const path of paths) sender.add(path);
  };
  return { calls, uploaded, answered, sender, add };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('ManifestSender', () => {
  it('sends the first files within about a second, and what gathers during a call in the next', async () => {
    const { calls, uploaded, sender, add } = fakeRun();
    add('a.wav', 'b.wav');
    await tick(200);
    expect(calls).toHaveLength(0); // gathering
    await tick(1100);
    expect(calls.map((c) => c.paths)).toEqual([['a.wav', 'b.wav']]);

    add('c.wav', 'd.wav', 'e.wav'); // while the server works on the first call
    await tick(1200);
    expect(calls).toHaveLength(1); // one call at a time
    calls[0]!.answer();
    await tick();
    expect(uploaded).toEqual(['a.wav', 'b.wav']);
    expect(calls.map((c) => c.paths)).toEqual([
      ['a.wav', 'b.wav'],
      ['c.wav', 'd.wav', 'e.wav'],
    ]);

    calls[1]!.answer();
    add('f.wav');
    const finished = sender.finish(); // no gathering once the run is over
    await tick();
    expect(calls[2]).toMatchObject({ paths: ['f.wav'], last: true });
    calls[2]!.answer();
    await finished;
    expect(calls.map((c) => c.last)).toEqual([false, false, true]);
    expect(uploaded).toEqual(['a.wav', 'b.wav', 'c.wav', 'd.wav', 'e.wav', 'f.wav']);
  });

  it('keeps calls to 500 entries, in name order, and closes the manifest once', async () => {
    const { calls, sender, add } = fakeRun();
    const paths = Array.from({ length: 1200 }, (_, i) => `${String(i).padStart(4, '0')}.wav`);
    add(...paths);
    await tick();
    expect(calls).toHaveLength(1); // a full batch goes at once, without gathering
    const finished = sender.finish();
    for (let i = 0; i < 10 && !calls.at(-1)!.last; i++) {
      calls.at(-1)!.answer();
      await tick();
    }
    calls.at(-1)!.answer();
    await finished;
    expect(calls.map((c) => c.paths.length)).toEqual([500, 500, 200]);
    expect(calls.map((c) => c.last)).toEqual([false, false, true]);
    expect(calls.flatMap((c) => c.paths)).toEqual(paths);
  });

  it('an empty run still closes the manifest', async () => {
    const { calls, sender } = fakeRun();
    const finished = sender.finish();
    await tick();
    expect(calls).toEqual([expect.objectContaining({ paths: [], last: true })]);
    calls[0]!.answer();
    await finished;
  });
});

describe('ManifestSender, when a call fails', () => {
  it('throws the failure from finish and sends nothing after it', async () => {
    let calls = 0;
    const sender = new ManifestSender(
      {
        entries: (keys) => keys.map((path) => ({ path }) as ManifestEntry),
        ingest: () => {
          calls++;
          return Promise.reject(new Error('409 the manifest is closed'));
        },
        answered: () => undefined,
      },
      2,
    );
    sender.add('a.wav');
    sender.add('b.wav'); // a full batch goes at once, and fails
    sender.add('c.wav');
    await tick();
    await expect(sender.finish()).rejects.toThrow('409 the manifest is closed');
    expect(calls).toBe(1);
  });
});

describe('ManifestSender, stopped', () => {
  it('stopped before the finish: sends nothing, not even the closing call', async () => {
    const { calls, sender, add } = fakeRun();
    add('a.wav');
    sender.stop();
    await sender.finish();
    await tick(1100); // the gathering timer was cleared too
    expect(calls).toHaveLength(0);
  });

  it('a stop while batches remain sends none of them, nor the closing call', async () => {
    const run = fakeRun();
    const paths = Array.from({ length: 1200 }, (_, i) => `${String(i).padStart(4, '0')}.wav`);
    run.add(...paths);
    const finished = run.sender.finish();
    await tick();
    expect(run.calls).toHaveLength(1); // the first 500
    run.sender.stop();
    run.calls[0]!.answer();
    await finished;
    expect(run.calls.map((c) => c.last)).toEqual([false]);
  });
});
