import { MPEGDecoder } from 'mpg123-decoder';
import { DecodeError } from './errors.js';
import { findMpegSync, lameGapless, parseMpegHeader, xingTotalSamples } from './mpeg-header.js';
import type { StreamInfo } from './types.js';
import type { CodecAdapter, Decoded } from './wasm-stream.js';

const NOTHING: Decoded = { channelData: [], samplesDecoded: 0, sampleRate: 0 };

/**
 * MPEG audio layer I/II/III through mpg123-decoder (libmpg123) with gapless decoding on: the LAME
 * tag's encoder delay and padding are trimmed (as ffmpeg does). mpg123 always outputs two
 * channels; mono streams are emitted as one. Throws DecodeError('corrupt') when no two consecutive
 * MPEG frame headers occur in the first 64 KiB after any ID3 tag.
 */
export async function createMp3Adapter(): Promise<CodecAdapter> {
  const decoder = new MPEGDecoder({ enableGapless: true });
  await decoder.ready;
  return {
    accepts(head, complete) {
      if (findMpegSync(head) >= 0) return true;
      if (complete) throw new DecodeError('corrupt', 'no MPEG audio frames found');
      return false;
    },
    describe(head, first): StreamInfo {
      const sync = findMpegSync(head);
      const h = sync >= 0 ? parseMpegHeader(head, sync) : null;
      let declared: number | null = null;
      if (h) {
        const total = xingTotalSamples(head, sync, h);
        const gap = lameGapless(head, sync, h);
        if (total !== null) declared = Math.max(0, total - (gap ? gap.delay + gap.padding : 0));
      }
      return {
        format: 'mp3',
        codec: h?.layer === 2 ? 'mp2' : h?.layer === 1 ? 'mp1' : 'mp3',
        sampleRate: first.sampleRate || h?.sampleRate || 0,
        channels: h?.channels ?? 2,
        bitDepth: null,
        declaredFrames: declared,
      };
    },
    channels: (block, info) =>
      info.channels === 1 ? block.channelData.slice(0, 1) : block.channelData,
    decode: (bytes) => decoder.decode(bytes),
    flush: () => NOTHING,
    free: () => decoder.free(),
  };
}
