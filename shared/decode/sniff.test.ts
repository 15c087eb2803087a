import { describe, expect, it } from 'vitest';
import { readFixture } from '../../fixtures/decode/support.js';
import { sniffAudioFormat } from './index.js';

const head = (name: string, n = 4096): Uint8Array => readFixture(name).subarray(0, n);

describe('sniffAudioFormat', () => {
  it.each([
    ['sine-s16.wav', 'wav'],
    ['sine-rf64.wav', 'wav'],
    ['6ch-s24.wav', 'wav'],
    ['sine-s16.aiff', 'aiff'],
    ['stereo-sowt.aifc', 'aiff'],
    ['sine-s16.flac', 'flac'],
    ['sine-id3.flac', 'flac'],
    ['stereo-cbr.mp3', 'mp3'],
    ['sine-vbr.mp3', 'mp3'],
    ['stereo.ogg', 'ogg-vorbis'],
    ['stereo.opus', 'opus'],
    ['stereo.m4a', 'm4a'],
  ])('reads %s as %s from its bytes, whatever its name', (name, format) => {
    expect(sniffAudioFormat(head(name), name)).toEqual({ ok: true, format });
    expect(sniffAudioFormat(head(name), 'renamed.txt')).toEqual({ ok: true, format });
  });

  it("names the metadata a Mac leaves in a zipped pack ('._' files, .DS_Store)", () => {
    const appleDouble = new Uint8Array(4096);
    appleDouble.set([0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00]);
    appleDouble.set(new TextEncoder().encode('Mac OS X        '), 8);
    expect(sniffAudioFormat(appleDouble, '__MACOSX/Drums/._Kick.wav')).toEqual({
      ok: false,
      reason: 'not audio: macOS file metadata (an AppleDouble "._" file)',
    });
    const dsStore = new Uint8Array(4096);
    dsStore.set([0x00, 0x00, 0x00, 0x01, 0x42, 0x75, 0x64, 0x31]);
    expect(sniffAudioFormat(dsStore, 'Drums/.DS_Store')).toEqual({
      ok: false,
      reason: 'not audio: macOS folder settings (.DS_Store)',
    });
  });

  it('names the problem with files that are not audio', () => {
    expect(sniffAudioFormat(new Uint8Array(0), 'a.wav')).toEqual({
      ok: false,
      reason: 'empty file (0 bytes)',
    });
    expect(sniffAudioFormat(head('bad/image.mp3'), 'image.mp3')).toEqual({
      ok: false,
      reason: 'not audio: PNG image',
    });
    expect(sniffAudioFormat(head('bad/text.flac'), 'text.flac')).toEqual({
      ok: false,
      reason: 'not audio: text',
    });
    const random = sniffAudioFormat(head('bad/random.wav'), 'random.wav');
    expect(random.ok).toBe(false);
    expect(!random.ok && random.reason).toMatch(
      /^unrecognised format \(starts with dc 04 .*extension \.wav\)$/,
    );
  });

  it('takes no random bytes named .mp3 for MPEG audio', () => {
    // About one in 5,500 positions of random bytes reads as a frame header, so a 48 KiB file holds
    // several; before three agreeing frames were asked for, 9 % of such files passed as MPEG.
    let seed = 20261204;
    const next = (): number => (seed = (seed * 48271) % 2147483647);
    const taken: number[] = [];
    for (let n = 0; n < 1000; n++) {
      const bytes = new Uint8Array(48 * 1024).map(() => next() & 0xff);
      if (sniffAudioFormat(bytes, 'noise.mp3').ok) taken.push(n);
    }
    expect(taken).toEqual([]);
  });

  it('still finds an MPEG stream of only two frames, after junk', () => {
    const mp3 = readFixture('stereo-cbr.mp3');
    const frame = 417; // 128 kbps at 44.1 kHz, unpadded
    const start = mp3.findIndex((b, i) => b === 0xff && (mp3[i + 1]! & 0xe0) === 0xe0);
    const twoFrames = mp3.subarray(start, start + 2 * frame);
    const junk = new Uint8Array(300).fill(0x20);
    const bytes = new Uint8Array([...junk, ...twoFrames]);
    expect(sniffAudioFormat(bytes, 'short.mp3')).toEqual({ ok: true, format: 'mp3' });
  });

  it('uses the extension only when an ID3 tag is longer than the head', () => {
    // a tag claiming 1 MB (syncsafe 0x00 0x40 0x00 0x00) cut at 4 KiB: the bytes cannot decide
    const tagged = new Uint8Array(4096);
    tagged.set([0x49, 0x44, 0x33, 3, 0, 0, 0x00, 0x40, 0x00, 0x00]);
    expect(sniffAudioFormat(tagged, 'x.flac')).toEqual({ ok: true, format: 'flac' });
    expect(sniffAudioFormat(tagged, 'x.mp3')).toEqual({ ok: true, format: 'mp3' });
  });

  it('recognises a head shorter than a full header where the magic is enough', () => {
    expect(sniffAudioFormat(head('sine-s16.flac', 4), 'a')).toEqual({ ok: true, format: 'flac' });
    expect(sniffAudioFormat(head('sine-s16.wav', 12), 'a')).toEqual({ ok: true, format: 'wav' });
  });
});
