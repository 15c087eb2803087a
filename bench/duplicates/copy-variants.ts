import { copyFile } from 'node:fs/promises';
import { runTool } from './processes.js';

/** One way of copying a sound that keeps it the same sound (the targets). */
export interface CopyVariant {
  name: string;
  ext: string;
  /** Only for stereo sources (a down-mix of a mono file is the file). */
  stereoOnly?: boolean;
  /** Lossy: its copies are used for negatives across codecs. */
  lossy?: boolean;
  make: (source: string, out: string) => Promise<void>;
}

const ffmpeg = (filters: string | null, codec: string[]) => async (source: string, out: string) => {
  const filter = filters ? ['-af', filters] : [];
  await runTool('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    source,
    '-map_metadata',
    '-1',
    ...filter,
    ...codec,
    out,
  ]);
};

/** sox for lossless copies: it starts 20 times faster than ffmpeg here. */
const sox =
  (format: string[], effects: string[] = []) =>
  async (source: string, out: string) => {
    await runTool('sox', ['-V1', source, ...format, out, ...effects]);
  };

const lossy = (name: string, ext: string, codec: string[]): CopyVariant => ({
  name,
  ext,
  lossy: true,
  make: ffmpeg(null, codec),
});

const SOXR = 'aresample=resampler=soxr:precision=28';

/** The copy variants, in a fixed order. */
export const COPY_VARIANTS: CopyVariant[] = [
  lossy('mp3-128', 'mp3', ['-c:a', 'libmp3lame', '-b:a', '128k']),
  lossy('mp3-v2', 'mp3', ['-c:a', 'libmp3lame', '-q:a', '2']),
  lossy('aac-128', 'm4a', ['-c:a', 'aac', '-b:a', '128k']),
  lossy('aac-160', 'm4a', ['-c:a', 'aac', '-b:a', '160k']),
  lossy('vorbis-q3', 'ogg', ['-c:a', 'libvorbis', '-q:a', '3']),
  lossy('vorbis-q5', 'ogg', ['-c:a', 'libvorbis', '-q:a', '5']),
  lossy('opus-96', 'opus', ['-c:a', 'libopus', '-b:a', '96k']),
  lossy('opus-128', 'opus', ['-c:a', 'libopus', '-b:a', '128k']),
  { name: 'flac-16', ext: 'flac', make: sox(['-b', '16']) },
  { name: 'flac-24', ext: 'flac', make: sox(['-b', '24']) },
  { name: 'wav-24', ext: 'wav', make: sox(['-b', '24']) },
  { name: 'wav-float', ext: 'wav', make: sox(['-e', 'floating-point', '-b', '32']) },
  { name: 'aiff-16', ext: 'aiff', make: sox(['-b', '16']) },
  // Through ffmpeg, which truncates without dither (sox would dither): the harder 8-bit copy.
  { name: 'wav-8', ext: 'wav', make: ffmpeg(null, ['-c:a', 'pcm_u8']) },
  { name: 'rate-48k', ext: 'wav', make: sox(['-b', '24'], ['rate', '-v', '48k']) },
  { name: 'rate-96k', ext: 'flac', make: sox(['-b', '24'], ['rate', '-v', '96k']) },
  // Float through ffmpeg, so that +6 dB never clips (sox works in 32-bit integers): a clipped
  // copy would be another sound.
  { name: 'gain+6', ext: 'wav', make: ffmpeg('volume=6dB', ['-c:a', 'pcm_f32le']) },
  { name: 'gain-6', ext: 'wav', make: sox(['-b', '24'], ['gain', '-6']) },
  { name: 'mono', ext: 'wav', stereoOnly: true, make: sox(['-b', '16', '-c', '1']) },
  { name: 'lead-0.2', ext: 'wav', make: sox(['-b', '24'], ['pad', '0.2', '0']) },
  { name: 'lead-0.5', ext: 'wav', make: sox(['-b', '24'], ['pad', '0.5', '0']) },
  { name: 'tail-0.2', ext: 'wav', make: sox(['-b', '24'], ['pad', '0', '0.2']) },
  { name: 'tail-0.5', ext: 'wav', make: sox(['-b', '24'], ['pad', '0', '0.5']) },
  { name: 'lead+tail-0.5', ext: 'flac', make: sox(['-b', '16'], ['pad', '0.5', '0.5']) },
  {
    name: 'combo-48k-gain-3-lead-0.3-mp3-v2',
    ext: 'mp3',
    lossy: true,
    make: ffmpeg(`volume=-3dB,adelay=300:all=1,${SOXR}:osr=48000`, [
      '-c:a',
      'libmp3lame',
      '-q:a',
      '2',
    ]),
  },
  { name: 'renamed', ext: '', make: (source, out) => copyFile(source, out) },
];
