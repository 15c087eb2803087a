import { spawn } from 'node:child_process';
import { wholeFrames } from './whole-frames.js';
import { ffmpegErrorText } from './ffmpeg-stderr.js';
import { DecodeError, type AudioFormat, type PcmSink } from '../../decode/index.js';

interface ProbedStream {
  codec: string;
  sampleRate: number;
  channels: number;
  bitDepth: number | null;
  declaredFrames: number | null;
  format: AudioFormat;
}

const FORMAT_OF_CODEC: Record<string, AudioFormat> = {
  flac: 'flac',
  mp3: 'mp3',
  mp2: 'mp3',
  mp1: 'mp3',
  vorbis: 'ogg-vorbis',
  opus: 'opus',
  aac: 'm4a',
  alac: 'm4a',
};

/**
 * Decodes a file with the native ffmpeg: learns codec, rate and channels with ffprobe, then streams
 * `ffmpeg -f f32le` output into the sink as planar chunks at the source rate and channel count
 * (the sink's info() comes first). ffmpeg applies MP3 gapless info, Opus pre-skip and MP4 edit lists.
 * Rejects with DecodeError: 'empty' (0 bytes), 'corrupt' (no audio stream, or ffmpeg's error text),
 * 'unsupported' (ffmpeg missing). Only for Node with ffmpeg on the PATH; see ffmpegAvailable().
 */
export async function decodeWithFfmpeg(path: string, sink: PcmSink): Promise<void> {
  const stream = await probe(path);
  sink.info(stream);
  const { channels } = stream;
  const frameBytes = 4 * channels;
  const stderr: Buffer[] = [];
  const child = spawn(
    'ffmpeg',
    [
      '-nostdin',
      '-v',
      'error',
      '-i',
      path,
      '-map',
      '0:a:0',
      '-f',
      'f32le',
      '-acodec',
      'pcm_f32le',
      '-',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr.on('data', (d: Buffer) => stderr.push(d));
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', (err) =>
      reject(new DecodeError('unsupported', `ffmpeg could not start: ${err.message}`)),
    );
    child.on('close', (code) => resolve(code ?? 1));
  });
  try {
    for await (const bytes of wholeFrames(child.stdout as AsyncIterable<Buffer>, frameBytes)) {
      sink.pcm(deinterleaveF32(bytes, channels));
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL'); // the sink threw: stop ffmpeg too
  }
  const code = await done;
  if (code !== 0) {
    const text = Buffer.concat(stderr).toString('utf8').trim();
    throw new DecodeError('corrupt', `ffmpeg failed on ${path}: ${text || `exit code ${code}`}`);
  }
}

/** Little-endian interleaved float32 bytes (whole frames) → planar Float32Arrays. */
export function deinterleaveF32(bytes: Uint8Array, channels: number): Float32Array[] {
  const frames = bytes.length / (4 * channels);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const src = new Float32Array(aligned.buffer, aligned.byteOffset, frames * channels);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let c = 0; c < channels; c++) {
    const dst = out[c] as Float32Array;
    for (let i = 0, j = c; i < frames; i++, j += channels) dst[i] = src[j] as number;
  }
  return out;
}

async function probe(path: string): Promise<ProbedStream> {
  const { code, stdout, stderr } = await capture('ffprobe', [
    '-v',
    'error',
    '-show_streams',
    '-show_format',
    '-of',
    'json',
    path,
  ]);
  if (code !== 0) {
    if (await isEmpty(path)) {
      throw new DecodeError('empty', 'empty file (0 bytes)');
    }
    const text = ffmpegErrorText(stderr, path);
    throw new DecodeError('corrupt', `ffprobe: ${text || `exit code ${code}`}`);
  }
  const json = JSON.parse(stdout) as {
    streams?: Record<string, unknown>[];
    format?: { format_name?: string };
  };
  const s = json.streams?.find((x) => x.codec_type === 'audio');
  if (!s) throw new DecodeError('corrupt', `no audio stream in ${path}`);
  const codec = typeof s.codec_name === 'string' ? s.codec_name : 'unknown';
  const sampleRate = Number(s.sample_rate);
  const channels = Number(s.channels);
  if (!(sampleRate > 0) || !(channels > 0))
    throw new DecodeError(
      'corrupt',
      `ffprobe reports ${channels} channels at ${sampleRate} Hz in ${path}`,
    );
  const bits = Number(s.bits_per_raw_sample ?? 0) || Number(s.bits_per_sample ?? 0);
  const frames = Number(s.duration_ts ?? NaN);
  const container = json.format?.format_name ?? '';
  return {
    codec,
    sampleRate,
    channels,
    bitDepth: codec.startsWith('pcm_') || codec === 'flac' ? bits || null : null,
    declaredFrames: codec.startsWith('pcm_') && Number.isFinite(frames) ? frames : null,
    format:
      container === 'caf'
        ? 'caf'
        : codec.startsWith('pcm_')
          ? container.includes('aiff')
            ? 'aiff'
            : 'wav'
          : (FORMAT_OF_CODEC[codec] ?? 'm4a'),
  };
}

async function isEmpty(path: string): Promise<boolean> {
  const { stat } = await import('node:fs/promises');
  return stat(path).then(
    (s) => s.size === 0,
    () => false,
  );
}

function capture(
  cmd: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) =>
      reject(new DecodeError('unsupported', `${cmd} could not start: ${e.message}`)),
    );
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}
