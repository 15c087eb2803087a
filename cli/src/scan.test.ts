import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { compareScanOrder } from '../../shared/files/scan-order.js';
import { scanPaths } from './scan.js';

const root = mkdtemp(join(tmpdir(), 'scan-'));
afterAll(async () => rm(await root, { recursive: true, force: true }));

it('lists a folder in the shared scan order, folder by folder', async () => {
  const dir = await root;
  // As whole paths "Kit #2/…" and "Kit (1)/…" sort before "Kit/…"; folder by folder, after.
  const paths = ['Kit #2/Snare.wav', 'Kit/Snare.wav', 'Kit (1)/Kick.wav', 'Kit/Toms/Tom 1.wav'];
  for (const path of paths) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), '');
  }
  const { files, problems } = await scanPaths([dir]);
  expect(problems).toEqual([]);
  expect(files.map((f) => relative(dir, f))).toEqual([
    'Kit/Snare.wav',
    'Kit/Toms/Tom 1.wav',
    'Kit #2/Snare.wav',
    'Kit (1)/Kick.wav',
  ]);
  expect([...paths].sort(compareScanOrder)).toEqual(files.map((f) => relative(dir, f)));
});

it('leaves out what --exclude and .smignore exclude, each folder given its own root', async () => {
  const dir = join(await root, 'exclusions');
  const files = ['Kit/a.wav', 'Kit/Old/b.wav', 'Kit/.smignore', 'Kit/c.mp3', 'loose.mp3'];
  for (const path of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), path.endsWith('.smignore') ? '/Old/\n' : '');
  }
  const { files: kept, excluded } = await scanPaths([join(dir, 'Kit'), join(dir, 'loose.mp3')], {
    exclude: ['*.mp3'],
  });
  expect(kept.map((f) => relative(dir, f))).toEqual(['Kit/a.wav']);
  expect(excluded.map((e) => [e.rel, e.reason.pattern, e.reason.source])).toEqual([
    ['Kit/Old/b.wav', '/Old/', 'Kit/.smignore'],
    ['Kit/c.mp3', '*.mp3', '--exclude'],
    ['loose.mp3', '*.mp3', '--exclude'],
  ]);
});
