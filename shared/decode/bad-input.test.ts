import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeFixture, readFixture, truth } from '../../fixtures/decode/support.js';
import { createStreamDecoder, DecodeError, type AudioFormat } from './index.js';

const ALL: AudioFormat[] = ['wav', 'aiff', 'flac', 'mp3', 'ogg-vorbis', 'opus', 'm4a'];

async function failure(p: Promise<unknown>): Promise<DecodeError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError, got none');
}

describe('bad input', () => {
  it.each(ALL)('%s: zero bytes → DecodeError("empty")', async (format) => {
    const err = await failure(decodeFixture(format, 'bad/empty.wav'));
    expect(err.code).toBe('empty');
    expect(err.message).toBe('empty file (0 bytes)');
  });

  it.each(ALL)('%s: random bytes → DecodeError("corrupt")', async (format) => {
    expect((await failure(decodeFixture(format, 'bad/random.wav'))).code).toBe('corrupt');
  });

  it.each(ALL)('%s: a PNG image and a text file → DecodeError("corrupt")', async (format) => {
    expect((await failure(decodeFixture(format, 'bad/image.mp3'))).code).toBe('corrupt');
    expect((await failure(decodeFixture(format, 'bad/text.flac'))).code).toBe('corrupt');
  });

  it.each([
    ['wav', 'bad/truncated.wav', 'sine-s16.wav', 1],
    ['mp3', 'bad/truncated.mp3', 'stereo-cbr.mp3', 2],
    ['flac', 'bad/truncated.flac', 'stereo-s24.flac', 2],
  ] as const)('%s cut in the middle decodes what is there', async (format, bad, good, channels) => {
    const whole = truth[good]?.frames ?? 0;
    const { info, channels: pcm } = await decodeFixture(format, bad);
    expect(info?.channels).toBe(channels);
    expect(info?.declaredFrames).toBe(whole); // the header still says the full length
    const n = pcm[0]?.length ?? 0;
    expect(n).toBeGreaterThan(whole * 0.35);
    expect(n).toBeLessThan(whole * 0.55);
  });

  it('a WAV that ends inside its header → DecodeError("truncated")', async () => {
    expect((await failure(decodeFixture('wav', 'bad/header-only.wav'))).code).toBe('truncated');
    const cutAiff = readFixture('sine-s16.aiff').subarray(0, 30);
    expect((await failure(decodeBytes('aiff', cutAiff))).code).toBe('truncated');
  });

  it('M4A cut before its moov / FLAC cut inside its header → DecodeError("truncated")', async () => {
    const m4a = readFixture('stereo.m4a');
    expect((await failure(decodeBytes('m4a', m4a.subarray(0, 40)))).code).toBe('truncated');
    expect(
      (await failure(decodeBytes('flac', readFixture('sine-s16.flac').subarray(0, 30)))).code,
    ).toBe('truncated');
  });

  it('rejects every call after a failure with the same error, and free() twice is safe', async () => {
    const dec = await createStreamDecoder('wav', { info: () => {}, pcm: () => {} });
    const first = await failure(dec.write(readFixture('bad/random.wav')));
    expect(await failure(dec.write(new Uint8Array(4)))).toBe(first);
    expect(await failure(dec.end())).toBe(first);
    dec.free();
    dec.free();
  });

  it('compressed WAV is reported as unsupported, not garbage', async () => {
    const wav = readFixture('sine-s16.wav').slice();
    wav[20] = 0x11; // format tag 0x0011: IMA ADPCM
    const err = await failure(decodeBytes('wav', wav));
    expect(err.code).toBe('unsupported');
    expect(err.message).toMatch(/0x11/);
  });
});
