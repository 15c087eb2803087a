import { describe, expect, it } from 'vitest';
import { decodeFixture, fixturePath, maxAbsDiff, truth } from '../../../fixtures/decode/support.js';
import { DecodeError, type AudioFormat, type StreamInfo } from '../../decode/index.js';
import { ffmpegAvailable } from '../ffmpeg-available.js';
import { decodeWithFfmpeg, deinterleaveF32 } from './ffmpeg.js';

const hasFfmpeg = await ffmpegAvailable();
if (!hasFfmpeg)
  console.warn('ffmpeg/ffprobe not on the PATH: skipping the ffmpeg decode path tests');

async function viaFfmpeg(
  name: string,
): Promise<{ info: StreamInfo | null; channels: Float32Array[] }> {
  let info: StreamInfo | null = null;
  const parts: Float32Array[][] = [];
  await decodeWithFfmpeg(fixturePath(name), { info: (i) => (info = i), pcm: (c) => parts.push(c) });
  const n = (info as StreamInfo | null)?.channels ?? 0;
  const channels = Array.from({ length: n }, (_, c) => {
    const out = new Float32Array(parts.reduce((s, p) => s + (p[c]?.length ?? 0), 0));
    let at = 0;
    for (const p of parts) {
      out.set(p[c] as Float32Array, at);
      at += p[c]?.length ?? 0;
    }
    return out;
  });
  return { info, channels };
}

describe('deinterleaveF32', () => {
  it('splits interleaved little-endian float32 frames into planar channels, from any byte offset', () => {
    const frames = new Float32Array([0.5, -0.5, 0.25, -0.25, 1, -1]);
    const bytes = new Uint8Array(frames.byteLength + 1);
    bytes.set(new Uint8Array(frames.buffer), 1);
    const [l, r] = deinterleaveF32(bytes.subarray(1), 2);
    expect(Array.from(l as Float32Array)).toEqual([0.5, 0.25, 1]);
    expect(Array.from(r as Float32Array)).toEqual([-0.5, -0.25, -1]);
  });
});

if (!hasFfmpeg) {
  console.warn(
    'SKIPPED: decodeWithFfmpeg tests need ffmpeg and ffprobe on the PATH (bash .ci/run installs them)',
  );
}

describe.skipIf(!hasFfmpeg)('decodeWithFfmpeg (native ffmpeg) against the WASM/TS path', () => {
  it.each([
    ['wav', 'sine-s16.wav', 0],
    ['wav', '6ch-s24.wav', 0], // 24-byte frames: pipe reads split frames
    ['aiff', 'stereo-sowt.aifc', 0],
    ['flac', 'stereo-s24.flac', 0],
    ['mp3', 'stereo-cbr.mp3', 1e-3], // two MP3 decoders agree to float rounding, not bit for bit
    ['opus', 'stereo.opus', 1e-3],
  ] as const)(
    '%s %s: same rate, channels and frames; samples within %f',
    async (format: AudioFormat, name, tolerance) => {
      const wasm = await decodeFixture(format, name);
      const native = await viaFfmpeg(name);
      expect(native.info).toMatchObject({
        sampleRate: wasm.info?.sampleRate,
        channels: wasm.info?.channels,
        format,
      });
      expect(native.channels[0]?.length).toBe(truth[name]?.frames);
      native.channels.forEach((c, i) =>
        expect(maxAbsDiff(c, wasm.channels[i] as Float32Array)).toBeLessThanOrEqual(tolerance),
      );
    },
  );

  it('reports ffmpeg stderr for garbage and "empty" for zero bytes', async () => {
    const garbage = await viaFfmpeg('bad/random.wav').catch((e: unknown) => e);
    expect(garbage).toBeInstanceOf(DecodeError);
    expect((garbage as DecodeError).code).toBe('corrupt');
    // ffprobe's own words, on one line, without the path (shown beside the reason already)
    expect((garbage as DecodeError).message).toBe(
      'ffprobe: Invalid data found when processing input',
    );
    const empty = await viaFfmpeg('bad/empty.wav').catch((e: unknown) => e);
    expect((empty as DecodeError).code).toBe('empty');
  });
});
