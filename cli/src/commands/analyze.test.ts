import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../../fixtures/lib/wav.js';
import {
  analysisLineSchema,
  excludedLineSchema,
  type AnalysisLine,
} from '../../../shared/schemas/index.js';

// Drives the built CLI (`npm test` builds first) as a user would, on files made here.
const CLI = join(import.meta.dirname, '../../../bin/sm-import.js');

function runCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Two bars of a 120 BPM kick/hat groove with an A minor chord, at `rate`. */
function groove(rate: number): Float32Array {
  const seconds = 4;
  const out = new Float32Array(rate * seconds);
  const beat = rate / 2;
  for (let i = 0; i < out.length; i++) {
    const inBeat = i % beat;
    const t = inBeat / rate;
    out[i] = Math.sin(2 * Math.PI * (50 + 100 * Math.exp(-t * 30)) * t) * Math.exp(-t * 9) * 0.6;
    const half = (i + beat / 2) % beat;
    out[i]! += Math.sin(i * 1.7) * Math.exp((-half / rate) * 60) * 0.2;
    for (const f of [220, 261.63, 329.63]) out[i]! += 0.07 * Math.sin((2 * Math.PI * f * i) / rate);
  }
  return out;
}

let dir = '';
let hinted = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sm-analyze-'));
  const pcm = groove(44100);
  await writeFile(
    join(dir, 'a_groove_120bpm_Am.wav'),
    encodeWav({ sr: 44100, ch: [pcm, pcm] }, { bits: 16 }),
  );
  await writeFile(
    join(dir, 'b_groove_24bit.wav'),
    encodeWav({ sr: 44100, ch: [pcm] }, { bits: 24 }),
  );
  await mkdir(join(dir, 'c_folder'));
  await copyFile(join(dir, 'a_groove_120bpm_Am.wav'), join(dir, 'c_folder', 'copy of groove.wav'));
  await writeFile(join(dir, 'd_empty.wav'), new Uint8Array(0));
  await writeFile(join(dir, 'e_notes.txt'), 'not audio at all\n');
  await copyFile(join(dir, 'a_groove_120bpm_Am.wav'), join(dir, 'f_Ключ ドラム.wav'));
  hinted = await mkdtemp(join(tmpdir(), 'sm-analyze-hints-'));
  // The groove under a name that says half its tempo and another key.
  await copyFile(join(dir, 'a_groove_120bpm_Am.wav'), join(hinted, 'groove 60bpm Em.wav'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(hinted, { recursive: true, force: true });
});

describe('sm-import analyze', () => {
  it('writes one valid JSON line per file in scan order, with duplicates, skips and errors', () => {
    const { code, stdout } = runCli(['analyze', dir, '--json']);
    const lines: AnalysisLine[] = stdout
      .trim()
      .split('\n')
      .map((l) => analysisLineSchema.parse(JSON.parse(l)));
    const names = lines.map((l) => l.path.slice(dir.length + 1));
    expect(names).toEqual([
      'a_groove_120bpm_Am.wav',
      'b_groove_24bit.wav',
      'c_folder/copy of groove.wav',
      'd_empty.wav',
      'e_notes.txt',
      'f_Ключ ドラム.wav',
    ]);
    const [a, b, copy, empty, text, unicode] = lines as [AnalysisLine, ...AnalysisLine[]] &
      AnalysisLine[];
    expect(a).toMatchObject({
      status: 'ok',
      kind: 'loop',
      format: 'wav',
      channels: 2,
      sample_rate: 44100,
      duplicate_of: null,
    });
    expect(a.duration_s).toBe(4);
    expect(a.bpm).toBeCloseTo(120, 0);
    expect(a.bpm_hint).toBe(120);
    expect(a.bpm_hint_agreement).toBe('agrees');
    expect(a.content_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toMatchObject({
      status: 'ok',
      bit_depth: 24,
      duplicate_of: a.path,
      duplicate_by: 'fingerprint',
    });
    expect(copy).toMatchObject({
      status: 'ok',
      duplicate_of: a.path,
      duplicate_by: 'content_hash',
      content_hash: a.content_hash,
    });
    expect(empty).toMatchObject({ status: 'error', error: 'empty file (0 bytes)' });
    expect(text?.status).toBe('skipped');
    expect(text?.error).toMatch(/not audio/);
    expect(unicode).toMatchObject({ status: 'ok', duplicate_of: a.path });
    expect(code).toBe(1);
  });

  it('prints a readable table without --json', () => {
    const { stdout, stderr } = runCli([
      'analyze',
      join(dir, 'a_groove_120bpm_Am.wav'),
      join(dir, 'c_folder'),
    ]);
    expect(stdout).toMatch(/^KIND\s+DUR\s+BPM\s+KEY/);
    expect(stdout).toMatch(/loop\s+4\.00s\s+120/);
    expect(stdout).toContain('duplicate of');
    expect(stderr).toMatch(
      /2 files in .* 2 analysed, 1 duplicates, 0 similar \(kept\), 0 skipped, 0 errors/,
    );
  });

  it('exits 0 when nothing errored', () => {
    expect(
      runCli(['analyze', join(dir, 'a_groove_120bpm_Am.wav'), join(dir, 'e_notes.txt'), '--json'])
        .code,
    ).toBe(0);
  });

  it('reads tempo and key from the name unless --no-hints, when the sound alone decides', () => {
    const lineOf = (args: string[]) => {
      const { code, stdout } = runCli(['analyze', hinted, '--json', ...args]);
      expect(code).toBe(0);
      return analysisLineSchema.parse(JSON.parse(stdout.trim()));
    };
    const withHints = lineOf([]);
    expect([withHints.bpm_hint, withHints.key_hint]).toEqual([60, 'E minor']);
    const alone = lineOf(['--no-hints']);
    expect([alone.bpm_hint, alone.key_hint, alone.key_hint_agreement]).toEqual([null, null, null]);
    expect(alone.bpm).toBeCloseTo(120, 0);
    expect(alone.key).toBe('A minor');
    const refused = runCli(['import', hinted, '--no-hints', '--dry-run']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--no-hints is for analyze');
  });

  it('reports usage errors with exit code 2 and a message that says what to do', () => {
    const bad = runCli(['analyze', dir, '--concurrency', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--concurrency must be a whole number');
    const unknown = runCli(['analyse-everything']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
    const none = runCli(['analyze']);
    expect(none.code).toBe(2);
  });

  it('reports a path that does not exist, analyses the others, and exits 1', () => {
    const { code, stdout, stderr } = runCli([
      'analyze',
      join(dir, 'missing-folder'),
      join(dir, 'a_groove_120bpm_Am.wav'),
      '--json',
    ]);
    expect(stderr).toContain('missing-folder');
    expect(stderr).toContain('file not found');
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(code).toBe(1);
  });

  it('leaves out what --exclude and .smignore files exclude, naming each on stderr', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sm-analyze-exclude-'));
    try {
      await mkdir(join(folder, 'Old'));
      await copyFile(join(dir, 'a_groove_120bpm_Am.wav'), join(folder, 'keep.wav'));
      await copyFile(join(dir, 'b_groove_24bit.wav'), join(folder, 'Old', 'old.wav'));
      await copyFile(join(dir, 'b_groove_24bit.wav'), join(folder, 'take 2.wav'));
      await writeFile(join(folder, '.smignore'), '# old takes\nOld/\n');
      const { code, stdout, stderr } = runCli(['analyze', folder, '--json', '--exclude', 'take*']);
      expect(code, stderr).toBe(0);
      const analysed = stdout
        .trim()
        .split('\n')
        .map((l) => analysisLineSchema.parse(JSON.parse(l)).path);
      expect(analysed).toEqual([join(folder, 'keep.wav')]);
      const excluded = stderr
        .trim()
        .split('\n')
        .map((l) => excludedLineSchema.parse(JSON.parse(l)));
      expect(excluded).toEqual([
        {
          path: join(folder, 'Old', 'old.wav'),
          excluded: { pattern: 'Old/', source: expect.stringMatching(/\/\.smignore$/), line: 2 },
        },
        {
          path: join(folder, 'take 2.wav'),
          excluded: { pattern: 'take*', source: '--exclude', line: null },
        },
      ]);

      // Without --exclude, the .smignore alone excludes.
      const table = runCli(['analyze', folder]);
      expect(table.stderr).toContain('; 1 excluded (--exclude or .smignore');

      const bad = runCli(['analyze', folder, '--exclude', '[oops']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('"[oops" (--exclude): a "[" is never closed by "]"');
      await writeFile(join(folder, 'Old', '.smignore'), 'a\\');
      const badFile = runCli(['analyze', folder]);
      expect(badFile.code).toBe(2);
      expect(badFile.stderr).toContain('.smignore line 1): it ends with a lone');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
