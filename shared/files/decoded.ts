import {
  createPcmAccumulator,
  type CanonicalPcm,
  type PcmAccumulator,
  type StreamStats,
} from '../analysis/index.js';
import {
  createStreamDecoder,
  DecodeError,
  type AudioFormat,
  type PcmSink,
  type StreamInfo,
} from '../decode/index.js';

/** What decoding hands to the analysis. */
export interface Decoded {
  stats: StreamStats;
  canonical: CanonicalPcm;
  codec: string;
  bitDepth: number | null;
  /** Sample frames the container's header promises, where it says. */
  declaredFrames: number | null;
}

/** Bytes fed to the in-process decoders at a time. */
export const DECODE_CHUNK_BYTES = 256 * 1024;

/** Extensions of the formats the importer reads; a file without one that is not audio is skipped. */
const AUDIO_EXTENSIONS = new Set([
  'wav',
  'wave',
  'bwf',
  'rf64',
  'aif',
  'aiff',
  'aifc',
  'caf',
  'wv',
  'w64',
  'wma',
  'au',
  'snd',
  'flac',
  'mp3',
  'ogg',
  'oga',
  'opus',
  'm4a',
  'mp4',
  'aac',
  'alac',
]);

/** Whether a file's name says it is audio (so that failing to read it is an error, not a skip). */
export function claimsAudio(fileName: string): boolean {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 && AUDIO_EXTENSIONS.has(fileName.slice(dot + 1).toLowerCase());
}

/** A 64-bit hash as the 16 lowercase hex digits the manifests carry. */
export function hex64(value: bigint): string {
  return value.toString(16).padStart(16, '0');
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A sink that builds the accumulator once the stream says its rate and channels. */
export class AccumulatingSink implements PcmSink {
  stream: StreamInfo | null = null;
  accumulator: PcmAccumulator | null = null;

  info(info: StreamInfo): void {
    this.stream = info;
    this.accumulator = createPcmAccumulator(info.sampleRate, info.channels);
  }

  pcm(channels: Float32Array[]): void {
    this.accumulator?.push(channels);
  }

  /** @throws DecodeError('corrupt') when the stream never said what it was. */
  finish(format: AudioFormat): Decoded {
    if (!this.stream || !this.accumulator) {
      throw new DecodeError('corrupt', `no ${format} audio stream found`);
    }
    const { stats, canonical } = this.accumulator.finish();
    const { codec, bitDepth, declaredFrames } = this.stream;
    return { stats, canonical, codec, bitDepth, declaredFrames };
  }
}

/**
 * Decodes a file with the in-process decoders, from its bytes in memory or from its chunks as
 * they are read (each chunk is also handed to `onChunk`, so one read can feed a hash).
 * @throws DecodeError when the bytes are not audio of `format`.
 */
export async function decodeInProcess(
  format: AudioFormat,
  bytes: Uint8Array | AsyncIterable<Uint8Array>,
  onChunk?: (chunk: Uint8Array) => void,
): Promise<Decoded> {
  const sink = new AccumulatingSink();
  const decoder = await createStreamDecoder(format, sink);
  try {
    if (bytes instanceof Uint8Array) {
      for (let i = 0; i < bytes.length; i += DECODE_CHUNK_BYTES) {
        await decoder.write(bytes.subarray(i, i + DECODE_CHUNK_BYTES));
      }
    } else {
      for await (const chunk of bytes) {
        onChunk?.(chunk);
        await decoder.write(chunk);
      }
    }
    await decoder.end();
  } finally {
    decoder.free();
  }
  return sink.finish(format);
}

/**
 * @wasm-audio-decoders/flac sometimes drops a file's last, shorter block (seen on ffmpeg-made
 * FLAC: 78,336 of 81,794 frames); a shortfall within one block is that, not a cut file.
 */
export const FLAC_LAST_BLOCK_FRAMES = 16384;

/** Frames missing from what the header promises, when clearly more than rounding (1 %, 50 ms). */
export function missingFrames({ stats, declaredFrames }: Decoded): number {
  if (declaredFrames === null) return 0;
  const missing = declaredFrames - stats.frames;
  return missing > Math.max(0.01 * declaredFrames, 0.05 * stats.sampleRate) ? missing : 0;
}

/**
 * Says why a file is truncated when its header promises clearly more audio than it holds,
 * else null: analysing the part that is there would report a wrong duration and match the
 * sound it was cut from.
 */
export function truncation(decoded: Decoded, declaredFrames: number | null): string | null {
  const { stats } = decoded;
  if (declaredFrames === null || missingFrames({ ...decoded, declaredFrames }) === 0) return null;
  const s = (frames: number) => `${(frames / stats.sampleRate).toFixed(2)} s`;
  return `truncated: the header declares ${s(declaredFrames)} of audio but the file holds ${s(stats.frames)} (an incomplete copy or download?)`;
}
