import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisLineSchema, type AnalysisLine } from '../../../shared/schemas/index.js';
import { jsonLines, makeFolder, runCli, shown } from '../../test/cli-process.js';
import { HITS, writeHitsFolder, type Hit, type HitRelation } from '../../test/labelled-hits.js';

// Files whose relation is known, through the built CLI (`analyze`): a copy is merged, an edit
// or another take of a sound is never merged (a take is named similar), an unrelated sound is
// left alone.

let work = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sm-similar-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('sm-import analyze on labelled hits', () => {
  let lines: (AnalysisLine & Hit)[] = [];
  const only = (is: HitRelation) => lines.filter((l) => l.is === is);

  beforeAll(async () => {
    const folder = await writeHitsFolder(join(work, 'hits'));
    const run = await runCli(['analyze', folder, '--json'], {});
    expect(run.code, shown(run)).toBe(0);
    const parsed = jsonLines(run.stdout).map((l) => analysisLineSchema.parse(l));
    expect(parsed.map((l) => l.path)).toEqual(HITS.map((h) => join(folder, h.name)));
    lines = parsed.map((line, i) => ({ ...line, ...HITS[i]! }));
  });

  it('merges the re-encoded copy into the original, and names nothing similar for it', () => {
    const original = only('original')[0]!;
    expect(original).toMatchObject({ duplicate_of: null, similar_to: [] });
    for (const copy of only('copy')) {
      expect(copy, copy.made).toMatchObject({
        duplicate_of: original.path,
        duplicate_by: 'fingerprint',
        similar_to: [],
      });
    }
  });

  it('never merges an edit, another take or a re-pitched hit; another take is similar', () => {
    const original = only('original')[0]!;
    const family = lines.filter((l) => l.is !== 'unrelated').map((l) => l.path);
    // Soft: with a fingerprint that gets several wrong, the report names every one.
    for (const line of [...only('similar'), ...only('variant')]) {
      expect.soft(line.duplicate_of, `${line.name} (${line.made}) was merged`).toBeNull();
      expect
        .soft(family, `${line.name} named an unrelated file`)
        .toEqual(expect.arrayContaining(line.similar_to));
    }
    for (const line of only('similar')) {
      expect.soft(line.similar_to, `${line.name} (${line.made})`).toContain(original.path);
    }
    // Whether a semitone is still close is the fingerprint's call; if it is, the original is named.
    for (const line of only('variant')) {
      if (line.similar_to.length > 0) expect.soft(line.similar_to).toContain(original.path);
    }
  });

  it('leaves an unrelated sound alone', () => {
    for (const other of only('unrelated')) {
      expect(other).toMatchObject({ duplicate_of: null, similar_to: [] });
      expect(lines.filter((l) => l.similar_to.includes(other.path))).toEqual([]);
    }
  });
});

describe('sm-import analyze on a labelled near miss of the fixtures', () => {
  // fixtures/labels.json: the same stems with the bass mixed 6 dB louder.
  const files = {
    'a Bass+Drums.wav': 'loops/Bass+Drums 140 Abm.wav',
    'b Bass+Drums (bass up).wav': 'near/Bass+Drums 140 Abm (bass up).wav',
  };

  it('names the original similar on the remix, in JSON and under its row', async () => {
    const folder = await makeFolder(work, 'mix', files);
    const json = await runCli(['analyze', folder, '--json'], {});
    expect(json.code, shown(json)).toBe(0);
    const [original, remix] = jsonLines(json.stdout).map((l) => analysisLineSchema.parse(l));
    expect(original).toMatchObject({ duplicate_of: null, similar_to: [] });
    expect(remix).toMatchObject({ duplicate_of: null, similar_to: [original!.path] });

    const table = await runCli(['analyze', folder], {});
    const shownPath = relative(process.cwd(), original!.path);
    expect(table.stdout).toContain(`\n        ~ similar to: ${shownPath} (both kept)`);
    expect(table.stderr).toMatch(/2 files in .*: 2 analysed, 0 duplicates, 1 similar \(kept\)/);
  });
});
