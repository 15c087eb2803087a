import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { FIXTURES as AUDIO } from '../../testing/paths.js';
import type { PlacedFixture } from './audio-files.js';

/**
 * Fixtures left out of the import-flow tests, and why: the analyser's answer differs from the
 * label (those are accuracy matters for the benchmark, not for a test of the browser flow), or
 * the file only makes the run slower.
 */
export const LEFT_OUT: Record<string, string> = {
  'dupes/Pop Piano (retagged).mp3': 'BPM measured 80 (the TBPM tag), labelled 160',
  'loops/Café crème 100bpm.flac': 'no key measured, labelled D major',
  'loops/Cm 60 pad.flac': 'BPM measured 120 (double time), labelled 60',
  'oneshots/Stab F#.wav': 'no key measured, labelled F# major',
  'dupes/Night Drive -4dB.opus':
    'not found as a duplicate of Track 01 - Night Drive.mp3, which its label says it is',
  'bad/long_10min.opus': 'a 10-minute file: several seconds of decoding for nothing new',
};

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(relative(AUDIO, path));
  }
  return out;
}

/** Every fixture under fixtures/audio/ but those LEFT_OUT, in name order. */
export async function importSet(): Promise<string[]> {
  return (await walk(AUDIO)).filter((p) => !(p in LEFT_OUT)).sort();
}

/** What the labels say the import of `files` must end with (duplicates skipped). */
export function expectedOutcome(files: readonly PlacedFixture[]): {
  imported: number;
  duplicates: number;
  skipped: number;
  failed: number;
  /** Label groups of two files or more: the duplicate groups the app must find. */
  groups: Map<string, string[]>;
} {
  const byGroup = new Map<string, string[]>();
  for (const f of files) {
    if (f.label.expect_status !== 'ok') continue;
    byGroup.set(f.label.group, [...(byGroup.get(f.label.group) ?? []), f.appPath]);
  }
  const ok = files.filter((f) => f.label.expect_status === 'ok').length;
  return {
    imported: byGroup.size,
    duplicates: ok - byGroup.size,
    skipped: files.filter((f) => f.label.expect_status === 'skipped').length,
    failed: files.filter((f) => f.label.expect_status === 'error').length,
    groups: new Map([...byGroup].filter(([, members]) => members.length > 1)),
  };
}
