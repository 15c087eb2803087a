/**
 * The decode layer: bytes of an audio file in, planar float PCM chunks at the source rate out.
 * Pure and platform-neutral (browser workers, Node): Uint8Array / Float32Array only.
 */
import { AiffDecoder } from './aiff.js';
import { CafDecoder } from './caf.js';
import { DecodeError } from './errors.js';
import { createFlacAdapter } from './flac.js';
import { guard } from './guard.js';
import { createM4aAdapter } from './m4a.js';
import { createMp3Adapter } from './mp3.js';
import { createOpusAdapter, createVorbisAdapter } from './ogg.js';
import type { AudioFormat, FfmpegOnlyFormat, PcmSink, StreamDecoder } from './types.js';
import { WasmStream } from './wasm-stream.js';
import { WavDecoder } from './wav.js';

export type { AudioFormat, FfmpegOnlyFormat, PcmSink, StreamDecoder, StreamInfo } from './types.js';
export type { DecodeErrorCode } from './errors.js';
export { DecodeError };
export { sniffAudioFormat, type SniffResult } from './sniff.js';

/** What a producer calls each format only ffmpeg reads. */
const FFMPEG_ONLY_NAMES: Record<FfmpegOnlyFormat, string> = {
  wavpack: 'WavPack',
  w64: 'Sony Wave64',
  wma: 'Windows Media Audio',
  au: 'Sun/NeXT AU',
};

/**
 * A push decoder for one file of the given format. Write its bytes in chunks of any size, then
 * end(); the sink gets info() once, then planar PCM chunks as they decode (WAV, AIFF, CAF,
 * FLAC, MP3, Ogg Vorbis and Opus in bounded memory; M4A buffers until its moov box, i.e.
 * possibly the whole file). write()/end() reject with DecodeError: 'empty', 'corrupt' (not
 * this format / garbage), 'truncated' (ends before any audio; a file cut later decodes what is
 * there), 'unsupported'.
 * After a rejection the decoder is freed and rejects again with the same error. The decoder may
 * keep a reference to written chunks until end(): do not reuse their buffers. Call free() when done.
 * Throws DecodeError('unsupported') for an unknown format, a format only ffmpeg reads
 * (FfmpegOnlyFormat: the caller's ffmpeg fallback takes it), or if a WASM decoder cannot load.
 */
export async function createStreamDecoder(
  format: AudioFormat,
  sink: PcmSink,
): Promise<StreamDecoder> {
  switch (format) {
    case 'wav':
      return guard(new WavDecoder(sink), format);
    case 'aiff':
      return guard(new AiffDecoder(sink), format);
    case 'caf':
      return guard(new CafDecoder(sink), format);
    case 'flac':
      return guard(new WasmStream(await load(createFlacAdapter, format), sink), format);
    case 'mp3':
      return guard(new WasmStream(await load(createMp3Adapter, format), sink), format);
    case 'ogg-vorbis':
      return guard(new WasmStream(await load(createVorbisAdapter, format), sink), format);
    case 'opus':
      return guard(new WasmStream(await load(createOpusAdapter, format), sink), format);
    case 'm4a':
      return guard(new WasmStream(await load(createM4aAdapter, format), sink), format);
    case 'wavpack':
    case 'w64':
    case 'wma':
    case 'au':
      throw new DecodeError(
        'unsupported',
        `${FFMPEG_ONLY_NAMES[format]} files are read through ffmpeg only`,
      );
    default:
      throw new DecodeError('unsupported', `no decoder for format '${String(format)}'`);
  }
}

async function load<T>(create: () => Promise<T>, format: AudioFormat): Promise<T> {
  try {
    return await create();
  } catch (err) {
    throw new DecodeError(
      'unsupported',
      `the ${format} decoder could not load: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
