import { describe, expect, it } from 'vitest';
import { failedAnalysis, type FileAnalysis } from '../files/index.js';
import { analyseFiles } from './analyse-files.js';

// The analysis stage against a fake pool whose analyses the test ends by hand.

function fakePool() {
  const running = new Map<string, (result: FileAnalysis) => void>();
  const analyse = (key: string) =>
    new Promise<FileAnalysis>((resolve) => running.set(key, resolve));
  const end = (key: string) => {
    running.get(key)!(failedAnalysis(key, 'skipped', 'not audio'));
    running.delete(key);
  };
  return { running, analyse, end };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('analyseFiles', () => {
  it('keeps at most inFlight files in analysis, and records each as it ends', async () => {
    const pool = fakePool();
    const recorded: [string, number][] = [];
    const run = analyseFiles(
      ['a', 'b', 'c', 'd'],
      pool.analyse,
      (key, _result, pace) => void recorded.push([key, pace.done]),
      { inFlight: 2 },
    );
    await settle();
    expect([...pool.running.keys()]).toEqual(['a', 'b']);
    pool.end('b');
    await settle();
    expect([...pool.running.keys()]).toEqual(['a', 'c']);
    for (const key of ['a', 'c']) pool.end(key);
    await settle();
    pool.end('d');
    await run;
    expect(recorded).toEqual([
      ['b', 1],
      ['a', 2],
      ['c', 3],
      ['d', 4],
    ]);
  });

  it('stopped: takes no new file, and lets those in analysis end', async () => {
    const pool = fakePool();
    let stopped = false;
    const recorded: string[] = [];
    const run = analyseFiles(['a', 'b', 'c'], pool.analyse, (key) => void recorded.push(key), {
      inFlight: 2,
      stopped: () => stopped,
    });
    await settle();
    stopped = true;
    pool.end('a');
    pool.end('b');
    await run;
    expect(recorded).toEqual(['a', 'b']);
    expect(pool.running.size).toBe(0);
  });

  it('gives the pace: files per second and the seconds left', async () => {
    const paces: number[] = [];
    await analyseFiles(
      ['a', 'b'],
      (key) => Promise.resolve(failedAnalysis(key, 'skipped', 'not audio')),
      (_key, _result, pace) => {
        expect(pace.filesPerS).toBeGreaterThan(0);
        paces.push(pace.etaS!);
      },
      { inFlight: 1 },
    );
    expect(paces.at(-1)).toBe(0);
    expect(paces[0]).toBeGreaterThan(0);
  });
});
