import { spawn } from 'node:child_process';
import {
  ANALYSIS_SAMPLE_RATE,
  DETAIL_WINDOW_S,
  createCanonicalWindow,
  createWaveformBuilder,
  type CanonicalPcm,
  type StreamStats,
} from '../../analysis/index.js';
import { DecodeError } from '../../decode/index.js';
import { wholeFrames } from './whole-frames.js';
import { describeFfmpegStream, type FfmpegStream } from './ffmpeg-stderr.js';

export interface FfmpegCanonical {
  stream: FfmpegStream;
  stats: StreamStats;
  canonical: CanonicalPcm;
}

/**
 * The rate of the sound's start (CanonicalPcm.detail): high enough for the fingerprint's high
 * bands (to 19 kHz) to read as from the in-process decoders, which keep the source's own rate;
 * the detail excerpt is resampled from it like from any source rate.
 */
const START_RATE = 44100;

// Stereo to mono as (L + R) / 2, like the in-process path: swresample's own mono matrix
// weighs each channel by 1/√2, so its rematrix volume is scaled by 1/√2 to match.
// The third branch is the start of the sound for the fingerprint (see CanonicalPcm.detail).
const FILTER =
  '[0:a:0]asplit=3[meter][mono][start];' +
  '[meter]ebur128=peak=sample:framelog=verbose,anullsink;' +
  `[mono]aresample=${ANALYSIS_SAMPLE_RATE}:rmvol=${Math.SQRT1_2},aformat=sample_fmts=flt:channel_layouts=mono[out];` +
  `[start]atrim=end=${DETAIL_WINDOW_S},aresample=${START_RATE}:rmvol=${Math.SQRT1_2},aformat=sample_fmts=flt:channel_layouts=mono[detail]`;

/** Reads a pipe of float32 samples whole (the detail output: at most DETAIL_WINDOW_S of it). */
async function readFloats(pipe: AsyncIterable<Buffer>): Promise<Float32Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of pipe) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  const whole = bytes.length - (bytes.length % 4);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + whole));
}

/**
 * The first `length` bytes (a multiple of 4) as float32 samples: a view when they are aligned,
 * else a copy. The samples are only read before the next chunk arrives (the window copies them).
 */
function float32View(bytes: Uint8Array): Float32Array {
  if (bytes.byteOffset % 4 === 0)
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  return new Float32Array(bytes.slice().buffer);
}

function parseSummary(stderr: string): { loudnessLufs: number | null; peakDbfs: number | null } {
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const loudness = /I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary)?.[1];
  const peak = /Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1];
  const lufs = loudness === undefined || loudness === '-inf' ? null : Number(loudness);
  return {
    // ebur128 reports -70 LUFS (the absolute gate) when nothing passes it.
    loudnessLufs: lufs === null || lufs <= -70 ? null : lufs,
    peakDbfs: peak === undefined || peak === '-inf' ? null : Number(peak),
  };
}

/**
 * The fast path for long compressed files: one native ffmpeg process decodes, down-mixes and
 * resamples to the canonical mono rate, and measures EBU R128 loudness and sample peak at the
 * source rate and layout, so that JavaScript only sees a quarter of the samples of one channel.
 * Memory stays bounded (the canonical window is capped). Duration counts the canonical samples
 * (exact to 0.1 ms). Rejects with DecodeError('corrupt') and ffmpeg's message when it fails.
 */
export async function decodeCanonicalWithFfmpeg(path: string): Promise<FfmpegCanonical> {
  // One thread each for the decoder and the filter graph (neither gains from more: the work is
  // serial, and the pool threads only cost CPU); -flush_packets 0 lets the muxer fill its 32 KB
  // buffer before each write instead of writing every decoded frame (~1 KB) to the pipe, which
  // cost ffmpeg and this process a read per frame. The bytes written are the same.
  const child = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostats',
      '-nostdin',
      '-threads',
      '1',
      '-i',
      path,
      '-filter_complex_threads',
      '1',
      '-filter_complex',
      FILTER,
      '-map',
      '[out]',
      '-flush_packets',
      '0',
      '-f',
      'f32le',
      '-',
      '-map',
      '[detail]',
      '-f',
      'f32le',
      'pipe:3',
    ],
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] },
  );
  // Read at once with the main output, or ffmpeg would block on a full pipe.
  const detail = readFloats(child.stdio[3] as unknown as AsyncIterable<Buffer>);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => (stderr += text));
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', (error) =>
      reject(new DecodeError('unsupported', `ffmpeg could not start: ${error.message}`)),
    );
    child.on('close', (code) => resolve(code ?? 1));
  });
  const window = createCanonicalWindow();
  const waveform = createWaveformBuilder();
  let samples = 0;
  try {
    for await (const bytes of wholeFrames(child.stdout as AsyncIterable<Buffer>, 4)) {
      const mono = float32View(bytes);
      samples += mono.length;
      waveform.push([mono]);
      window.push(mono);
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  const code = await done;
  const detailSamples = await detail.catch(() => null);
  const stream = describeFfmpegStream(stderr);
  if (code !== 0 || !stream) {
    const message = stderr
      .split('\n')
      .filter((line) => /error|invalid|could not|no such|unsupported/i.test(line))
      .slice(-3)
      .join('; ')
      .trim();
    throw new DecodeError('corrupt', `ffmpeg failed: ${message || `exit code ${code}`}`);
  }
  const { loudnessLufs, peakDbfs } = parseSummary(stderr);
  return {
    stream,
    stats: {
      durationS: samples / ANALYSIS_SAMPLE_RATE,
      frames: Math.round((samples * stream.sampleRate) / ANALYSIS_SAMPLE_RATE),
      sampleRate: stream.sampleRate,
      channels: stream.channels,
      peakDbfs,
      loudnessLufs,
      waveform: waveform.finish(),
    },
    canonical: {
      ...window.finish(),
      detail: detailSamples && { samples: detailSamples, sampleRate: START_RATE },
    },
  };
}
