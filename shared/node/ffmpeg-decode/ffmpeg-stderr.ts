/** The input audio stream as ffmpeg describes it on stderr. */
export interface FfmpegStream {
  codec: string;
  sampleRate: number;
  channels: number;
  /** For lossless codecs only (FLAC, PCM, ALAC), where the sample format says it. */
  bitDepth: number | null;
}

const LAYOUT_CHANNELS: Record<string, number> = {
  mono: 1,
  stereo: 2,
  '2.1': 3,
  '3.0': 3,
  '3.0(back)': 3,
  '4.0': 4,
  quad: 4,
  'quad(side)': 4,
  '3.1': 4,
  '4.1': 5,
  '5.0': 5,
  '5.0(side)': 5,
  '5.1': 6,
  '5.1(side)': 6,
  '6.0': 6,
  hexagonal: 6,
  '6.1': 7,
  '7.0': 7,
  '7.1': 8,
  '7.1(wide)': 8,
  octagonal: 8,
};

const LOSSLESS = /^(flac|alac|pcm_|wavpack|ape|tta)/;

/**
 * Reads the first audio stream of the input from ffmpeg's stderr, e.g.
 * `Stream #0:0: Audio: flac, 44100 Hz, stereo, s32 (24 bit)`. Null when there is none.
 */
export function describeFfmpegStream(stderr: string): FfmpegStream | null {
  const input = stderr.split(/^Output #0/m)[0] ?? '';
  const match = /Stream #0:\d+[^:]*: Audio: ([\w-]+)[^,\n]*, (\d+) Hz, ([^,\n]+), ([^,\n]+)/.exec(
    input,
  );
  if (!match) return null;
  const [, codec = 'unknown', rate = '0', layout = '', format = ''] = match;
  const counted = /^(\d+) channels/.exec(layout.trim());
  const channels = counted ? Number(counted[1]) : (LAYOUT_CHANNELS[layout.trim()] ?? 2);
  let bitDepth: number | null = null;
  if (LOSSLESS.test(codec)) {
    const explicit = /\((\d+) bit\)/.exec(format);
    const fromFormat = /^[su](\d+)/.exec(format.trim());
    bitDepth = explicit ? Number(explicit[1]) : fromFormat ? Number(fromFormat[1]) : null;
  }
  return { codec, sampleRate: Number(rate), channels, bitDepth };
}

/**
 * ffmpeg's or ffprobe's error output as one line for a person: without the file's path (the
 * reason is shown beside it), the demuxer's `[mov,mp4,… @ 0x55…]` prefixes, and repeated lines.
 */
export function ffmpegErrorText(stderr: string, path: string): string {
  const lines = stderr
    .split('\n')
    .map((line) =>
      line
        .split(path)
        .join('')
        .replace(/^\[[^\]]* @ 0x[0-9a-f]+\]\s*/, '')
        .replace(/^:\s*/, '')
        .trim(),
    )
    .filter((line) => line.length > 0);
  return [...new Set(lines)].join('; ');
}
