import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classOfProgram, timidityPrograms } from './labelled-set.js';

describe('the labelled set of the class check', () => {
  it('names a program by what it sounds like, not only by its GM family', () => {
    expect(classOfProgram(0)).toBe('piano');
    expect(classOfProgram(33)).toBe('bass');
    expect(classOfProgram(40)).toBe('strings');
    expect(classOfProgram(48)).toBe('strings');
    expect(classOfProgram(52)).toBe('voice');
    expect(classOfProgram(54)).toBe('voice');
    // Harp, timpani and orchestra hit are no strings; chromatic percussion is a mixed family.
    for (const program of [46, 47, 55, 8, 120]) expect(classOfProgram(program)).toBeNull();
  });

  it("reads the programs of a timidity config's bank 0, not its drum sets", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sm-timidity-'));
    try {
      const cfg = join(dir, 'freepats.cfg');
      await writeFile(
        cfg,
        [
          'dir /usr/share/midi/freepats',
          'drumset 0',
          ' 35\tDrum_000/035_Kick_1.pat amp=100',
          'bank 0',
          '',
          ' 0\tTone_000/000_Acoustic_Grand_Piano.pat amp=120 pan=center',
          ' 33\tTone_000/033_Finger_Bass.pat ',
          '# 40\tTone_000/040_Violin.pat',
          'drumset 1',
          ' 36\tDrum_001/036_Kick_2.pat',
        ].join('\n'),
      );
      expect([...(await timidityPrograms(cfg))].sort((a, b) => a - b)).toEqual([0, 33]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
