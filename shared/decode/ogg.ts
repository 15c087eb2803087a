import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { DecodeError } from './errors.js';
import { OggPageReader } from './ogg-pages.js';
import type { StreamInfo } from './types.js';
import type { CodecAdapter, Decoded } from './wasm-stream.js';

interface OggDecoder {
  ready: Promise<void>;
  decode(bytes: Uint8Array): Decoded | Promise<Decoded>;
  flush(): Promise<Decoded>;
  free(): void;
}

function oggAdapter(decoder: OggDecoder, format: 'ogg-vorbis' | 'opus'): CodecAdapter {
  const codec = format === 'opus' ? 'opus' : 'vorbis';
  const pages = new OggPageReader();
  return {
    accepts(head, complete) {
      if (head.length >= 4 && String.fromCharCode(...head.subarray(0, 4)) !== 'OggS') {
        throw new DecodeError('corrupt', `not an Ogg file (no OggS page)`);
      }
      if (head.length < 4 && complete)
        throw new DecodeError('truncated', `Ogg file ends after ${head.length} bytes`);
      return head.length >= 4;
    },
    describe: (_head, first): StreamInfo => ({
      format,
      codec,
      sampleRate: first.sampleRate,
      channels: first.channelData.length,
      bitDepth: null,
      declaredFrames: null,
    }),
    channels: (block) => block.channelData,
    decode: (bytes) => {
      pages.push(bytes);
      return decoder.decode(bytes);
    },
    flush: () => decoder.flush(),
    // Opus: the granule positions' count (end-of-stream granule minus pre-skip) is the length;
    // ogg-opus-decoder keeps the pre-skip's worth of padding at the end of a one-page stream.
    frameLimit: () => (format === 'opus' ? pages.opusFrames() : null),
    free: () => decoder.free(),
  };
}

/** Ogg Vorbis through @wasm-audio-decoders/ogg-vorbis; the last page's granule position trims the end. */
export async function createVorbisAdapter(): Promise<CodecAdapter> {
  const decoder = new OggVorbisDecoder();
  await decoder.ready;
  return oggAdapter(decoder, 'ogg-vorbis');
}

/** Ogg Opus through ogg-opus-decoder: 48 kHz output, the header's pre-skip and the final granule position honoured (OggPageReader). */
export async function createOpusAdapter(): Promise<CodecAdapter> {
  const decoder = new OggOpusDecoder();
  await decoder.ready;
  return oggAdapter(decoder, 'opus');
}
