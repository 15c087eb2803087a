import { describe, expect, it } from 'vitest';
import { retriedLine } from './job-commands.js';

describe('retriedLine', () => {
  it('counts what was sent again, or says why nothing was', () => {
    expect(retriedLine(1, 0)).toBe('retried 1 file');
    expect(retriedLine(3, 3)).toBe('retried 3 files');
    expect(retriedLine(0, 0)).toBe('nothing to retry: no file of this job failed');
    expect(retriedLine(0, 8)).toBe(
      "nothing to retry: the job's 8 failed files cannot be sent again as they are (reasons below); " +
        'fix them, or run `sm-import import` on the same folders again',
    );
  });
});
