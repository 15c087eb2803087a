import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ImportOutput } from './import-output.js';

// What `sm-import import` tells: JSON events for scripts, a summary for people.

function output(json: boolean) {
  const out = new PassThrough();
  const err = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  let text = '';
  out.setEncoding('utf8').on('data', (s: string) => (text += s));
  return { output: new ImportOutput(json, out, err), text: () => text };
}

describe('ImportOutput', () => {
  it('reports a stored file with the sounds it is similar to, and counts it', () => {
    const { output: o, text } = output(true);
    o.stored('drums/Kick.wav', []);
    o.stored('drums/Kick (take 2).wav', ['drums/Kick.wav']);
    expect(
      text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
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
});
