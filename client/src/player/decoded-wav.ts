import type {
  AudioFormat,
  createStreamDecoder as CreateStreamDecoder,
  StreamInfo,
} from '../../../shared/decode/index.js';

/** Files larger than this are not decoded in the page to be played (their WAV would be too). */
export const MAX_DECODED_BYTES = 200 * 1024 * 1024;

/**
 * The sound at `src` (an object URL of a file this page holds, or a library sound's URL) as a
 * 16-bit WAV (decodedWav): what plays where the browser cannot play the file's own format.
 * @throws Error when it cannot be fetched or decoded.
 */
export async function wavOf(src: string): Promise<Blob> {
  const response = await fetch(src);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return decodedWav(new Uint8Array(await response.arrayBuffer()));
}

/**
 * The sound of `bytes` as a 16-bit WAV, for an audio element that cannot play their format
 * (Chromium plays no AIFF or CAF): decoded by the import's own decode layer, loaded with this
 * page the first time it is needed.
 * @throws Error with the reason when the bytes are no format the decode layer reads.
 */
export async function decodedWav(bytes: Uint8Array): Promise<Blob> {
  if (bytes.length > MAX_DECODED_BYTES)
    throw new Error(`${bytes.length} bytes are too many to decode for playing`);
  const { createStreamDecoder, sniffAudioFormat, DecodeError } =
    await import('../../../shared/decode/index.js');
  const sniffed = sniffAudioFormat(bytes.subarray(0, 4096), '');
  if (!sniffed.ok) throw new Error(sniffed.reason);
  try {
    return await decodedInPage(bytes, sniffed.format, createStreamDecoder);
  } catch (error) {
    // What only ffmpeg reads (WavPack, Wave64, Apple Lossless…): ffmpeg.wasm, as analysis does.
    if (!(error instanceof DecodeError && error.code === 'unsupported')) throw error;
    const { transcodeToWav } = await import('../analysis/ffmpeg-transcoder.js');
    const wav = await transcodeToWav(bytes);
    return new Blob([new Uint8Array(wav)], { type: 'audio/wav' });
  }
}

/** `bytes` of `format` decoded by the decode layer, as a 16-bit WAV. */
async function decodedInPage(
  bytes: Uint8Array,
  format: AudioFormat,
  createStreamDecoder: typeof CreateStreamDecoder,
): Promise<Blob> {
  let info: StreamInfo | null = null;
  const parts: Float32Array[][] = [];
  const decoder = await createStreamDecoder(format, {
    info: (i) => (info = i),
    pcm: (channels) => parts.push(channels),
  });
  try {
    await decoder.write(bytes);
    await decoder.end();
  } finally {
    decoder.free();
  }
  const stream = info as StreamInfo | null; // set by the decoder's callback
  if (!stream) throw new Error('no audio in the file');
  const { sampleRate, channels } = stream;
  return new Blob([wav16(parts, channels, sampleRate)], { type: 'audio/wav' });
}

/** Planar float chunks as one interleaved 16-bit PCM WAV file. Pure. */
export function wav16(parts: Float32Array[][], channels: number, sampleRate: number): ArrayBuffer {
  const frames = parts.reduce((n, chunk) => n + (chunk[0]?.length ?? 0), 0);
  const dataBytes = frames * channels * 2;
  const out = new DataView(new ArrayBuffer(44 + dataBytes));
  const text = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out.setUint8(at + i, s.charCodeAt(i));
  };
  text(0, 'RIFF');
  out.setUint32(4, 36 + dataBytes, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  out.setUint32(16, 16, true);
  out.setUint16(20, 1, true);
  out.setUint16(22, channels, true);
  out.setUint32(24, sampleRate, true);
  out.setUint32(28, sampleRate * channels * 2, true);
  out.setUint16(32, channels * 2, true);
  out.setUint16(34, 16, true);
  text(36, 'data');
  out.setUint32(40, dataBytes, true);
  let at = 44;
  for (const chunk of parts) {
    const n = chunk[0]?.length ?? 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < channels; c++) {
        // Scaled as the decoders scale 16-bit integers (2^15), so they come back exact.
        const x = Math.round(chunk[c]![i]! * 32768);
        out.setInt16(at, Math.max(-32768, Math.min(32767, x)), true);
        at += 2;
      }
    }
  }
  return out.buffer;
}
