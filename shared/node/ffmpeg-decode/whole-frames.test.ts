import { describe, expect, it } from 'vitest';
import { wholeFrames } from './whole-frames.js';

async function* reads(...chunks: number[][]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield Uint8Array.from(chunk);
  await Promise.resolve();
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const chunk of stream) out.push([...chunk]);
  return out;
}

describe('wholeFrames', () => {
  it('holds back a frame split across reads until its other half arrives', async () => {
    const chunks = await collect(wholeFrames(reads([1, 2, 3], [4, 5], [6, 7, 8, 9]), 4));
    expect(chunks).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
  });

  it('passes aligned reads through whole and drops a trailing partial frame', async () => {
    expect(await collect(wholeFrames(reads([1, 2, 3, 4, 5, 6, 7, 8], [9]), 4))).toEqual([
      [1, 2, 3, 4, 5, 6, 7, 8],
    ]);
  });
});
