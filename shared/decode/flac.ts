import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { DecodeError } from './errors.js';
import type { CodecAdapter, Decoded } from './wasm-stream.js';
import type { StreamInfo } from './types.js';

const NOTHING: Decoded = { channelData: [], samplesDecoded: 0, sampleRate: 0 };

/** FLAC STREAMINFO fields. */
export interface FlacStreamInfo {
  sampleRate: number;
  channels: number;
  bitDepth: number;
  /** 0 when the encoder did not know. */
  totalFrames: number;
}

/** Reads STREAMINFO from bytes starting at 'fLaC'; null if they do not start with it or are too short. */
export function parseStreamInfo(b: Uint8Array): FlacStreamInfo | null {
  if (
    b.length < 42 ||
    String.fromCharCode(...b.subarray(0, 4)) !== 'fLaC' ||
    ((b[4] ?? 0) & 0x7f) !== 0
  )
    return null;
  const at = (i: number): number => b[i] ?? 0;
  const sampleRate = (at(18) << 12) | (at(19) << 4) | (at(20) >> 4);
  const channels = ((at(20) >> 1) & 7) + 1;
  const bitDepth = (((at(20) & 1) << 4) | (at(21) >> 4)) + 1;
  const totalFrames =
    (at(21) & 0xf) * 2 ** 32 + (((at(22) << 24) | (at(23) << 16) | (at(24) << 8) | at(25)) >>> 0);
  return { sampleRate, channels, bitDepth, totalFrames };
}

/**
 * FLAC (native or in Ogg) through @wasm-audio-decoders/flac (libFLAC). A leading ID3v2 tag is
 * skipped by its parser. Throws DecodeError('corrupt') when the bytes do not start with fLaC/OggS.
 */
export async function createFlacAdapter(): Promise<CodecAdapter> {
  const decoder = new FLACDecoder();
  await decoder.ready;
  let started = false;
  return {
    accepts(head, complete) {
      if (head.length < 4) {
        if (complete)
          throw new DecodeError(
            head.length > 0 ? 'truncated' : 'empty',
            `FLAC file ends after ${head.length} bytes`,
          );
        return false;
      }
      const magic = String.fromCharCode(...head.subarray(0, 4));
      if (magic !== 'fLaC' && magic !== 'OggS')
        throw new DecodeError('corrupt', 'not a FLAC file (no fLaC header)');
      return head.length >= 42 || complete;
    },
    describe(head, first): StreamInfo {
      const si = parseStreamInfo(head);
      return {
        format: 'flac',
        codec: 'flac',
        sampleRate: first.sampleRate || si?.sampleRate || 0,
        channels: first.channelData.length,
        bitDepth: first.bitDepth ?? si?.bitDepth ?? null,
        declaredFrames: si && si.totalFrames > 0 ? si.totalFrames : null,
      };
    },
    channels(block, info) {
      // libFLAC's wrapper scales by 1 / (2^(bits-1) - 1); WAV, AIFF and ffmpeg use 1 / 2^(bits-1).
      // Rescale so the same integer samples give the same floats in every container.
      const bits = info.bitDepth ?? 0;
      if (bits >= 2 && bits <= 32) {
        const k = (2 ** (bits - 1) - 1) / 2 ** (bits - 1);
        for (const c of block.channelData)
          for (let i = 0; i < c.length; i++) c[i] = (c[i] as number) * k;
      }
      return block.channelData;
    },
    decode(bytes) {
      started ||= bytes.length >= 4;
      return started ? decoder.decode(bytes) : NOTHING;
    },
    flush: () => (started ? decoder.flush() : NOTHING),
    free: () => decoder.free(),
  };
}
