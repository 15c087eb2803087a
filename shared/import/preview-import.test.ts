import { describe, expect, it } from 'vitest';
import type { CheckResponse, ManifestEntry } from '../schemas/index.js';
import type { CheckItem } from './import-api.js';
import { previewImport, type FilePreview } from './preview-import.js';

// A dry run over plain files whose entries the test gives, against a library whose preflight
// holds one sound.

const ASSET = '6833bf28-0000-4000-8000-000000000001';
const hash = (n: number) => n.toString(16).padStart(64, '0');

interface File {
  path: string;
  entry: ManifestEntry | null;
}

const ok = (path: string, n: number, format: string, bitDepth = 16): File => ({
  path,
  entry: {
    path,
    status: 'ok',
    content_hash: hash(n),
    size_bytes: 1000,
    format,
    sample_rate: 44_100,
    bit_depth: bitDepth,
  } as unknown as ManifestEntry,
});

/** The library holds the sound of hash 9; it is asked about each other file once. */
function library() {
  const asked: string[] = [];
  const check = (items: CheckItem[]): Promise<CheckResponse> => {
    asked.push(...items.map((i) => i.id));
    return Promise.resolve({
      results: items.map((item) => ({
        id: item.id,
        action: item.content_hash === hash(9) ? ('reject' as const) : ('accept' as const),
        reason: null,
        asset_id: item.content_hash === hash(9) ? ASSET : null,
        match: item.content_hash === hash(9) ? ('content' as const) : null,
        similar_to: [],
      })),
    });
  };
  return { asked, check };
}

async function preview(files: File[]) {
  const server = library();
  const told: [string, FilePreview][] = [];
  await previewImport(
    files,
    {
      entry: (f) => f.entry,
      copyFacts: (f) =>
        f.entry?.status === 'ok'
          ? {
              path: f.path,
              contentHash: f.entry.content_hash,
              fingerprint: null,
              quality: {
                format: f.entry.format ?? null,
                sampleRate: 44_100,
                bitDepth: f.path.includes('24') ? 24 : 16,
                sizeBytes: 1000,
              },
            }
          : null,
      check: server.check,
    },
    (f, p) => told.push([f.path, p]),
  );
  return { told, asked: server.asked };
}

describe('previewImport: what an import would do, without a job', () => {
  it('skips what is not audio and fails what is unreadable, in scan order, before any check', async () => {
    const unreadable: File = {
      path: 'bad.mp3',
      entry: { path: 'bad.mp3', status: 'error', error: 'truncated' },
    };
    const { told, asked } = await preview([{ path: 'notes.txt', entry: null }, unreadable]);
    expect(told).toEqual([
      ['notes.txt', { state: 'skipped' }],
      ['bad.mp3', { state: 'failed', reason: 'truncated' }],
    ]);
    expect(asked).toEqual([]);
  });

  it('checks each sound’s best copy first, so a copy names the file the import keeps', async () => {
    const { told, asked } = await preview([
      ok('Kick.mp3', 1, 'mp3'),
      ok('Snare.wav', 2, 'wav'),
      ok('Kick 24.wav', 1, 'wav', 24),
      ok('Held.wav', 9, 'wav'),
    ]);
    expect(Object.fromEntries(told)).toEqual({
      'Kick.mp3': {
        state: 'duplicate',
        duplicate: { of: 'selection', ref: 'Kick 24.wav', match: 'content' },
      },
      'Kick 24.wav': { state: 'would_upload', similarTo: [] },
      'Snare.wav': { state: 'would_upload', similarTo: [] },
      'Held.wav': {
        state: 'duplicate',
        duplicate: { of: 'library', ref: ASSET, match: 'content' },
      },
    });
    expect(asked, 'the library is asked about each sound once').toEqual([
      'Kick 24.wav',
      'Snare.wav',
      'Held.wav',
    ]);
  });
});
