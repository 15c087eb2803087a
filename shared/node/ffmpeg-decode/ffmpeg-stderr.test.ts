import { describe, expect, it } from 'vitest';
import { describeFfmpegStream, ffmpegErrorText } from './ffmpeg-stderr.js';

describe('describeFfmpegStream', () => {
  it('reads codec, rate, channels and bit depth of the input, not the output', () => {
    const stderr = `Input #0, flac, from 'x.flac':
  Duration: 00:00:01.00, start: 0.000000, bitrate: 1411 kb/s
  Stream #0:0: Audio: flac, 96000 Hz, stereo, s32 (24 bit)
Stream mapping:
Output #0, f32le, to 'pipe:':
  Stream #0:0: Audio: pcm_f32le, 11025 Hz, mono, flt, 352 kb/s`;
    expect(describeFfmpegStream(stderr)).toEqual({
      codec: 'flac',
      sampleRate: 96000,
      channels: 2,
      bitDepth: 24,
    });
  });

  it('gives lossy codecs no bit depth and counts surround and numbered layouts', () => {
    expect(
      describeFfmpegStream('  Stream #0:0: Audio: mp3, 44100 Hz, mono, fltp, 128 kb/s'),
    ).toEqual({
      codec: 'mp3',
      sampleRate: 44100,
      channels: 1,
      bitDepth: null,
    });
    expect(
      describeFfmpegStream(
        '  Stream #0:0(und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, 5.1, fltp, 384 kb/s',
      )?.channels,
    ).toBe(6);
    expect(
      describeFfmpegStream(
        '  Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, 3 channels, s16, 2116 kb/s',
      ),
    ).toMatchObject({ channels: 3, bitDepth: 16 });
  });

  it('returns null when there is no audio stream', () => {
    expect(describeFfmpegStream('x.png: Invalid data found when processing input')).toBeNull();
  });
});

describe('ffmpegErrorText', () => {
  it('keeps what went wrong on one line, without the path or the demuxer address', () => {
    const path = '/tmp/lib/Loops/Bass 157bpm (1).m4a';
    const stderr = `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55ee3e1e7180] moov atom not found\n${path}: Invalid data found when processing input\n`;
    expect(ffmpegErrorText(stderr, path)).toBe(
      'moov atom not found; Invalid data found when processing input',
    );
    expect(ffmpegErrorText('', path)).toBe('');
  });
});
