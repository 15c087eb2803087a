import { decoder as aacDecoder } from '@audio/decode-aac';
import { decoder as mp4Decoder } from '@audio/decode-mp4';
import { DecodeError, asDecodeError } from './errors.js';
import type { StreamInfo } from './types.js';
import type { CodecAdapter, Decoded } from './wasm-stream.js';

interface AudioData {
  channelData: Float32Array[];
  sampleRate: number;
}
interface PushDecoder {
  decode(data: Uint8Array): AudioData | Promise<AudioData>;
  flush(): AudioData | Promise<AudioData>;
  free(): void;
}

const CODECS: Record<string, string> = {
  mp4a: 'aac',
  alac: 'alac',
  '.mp3': 'mp3',
  fLaC: 'flac',
  Opus: 'opus',
};

/**
 * M4A / MP4 audio track (AAC, ALAC, and what else @audio/decode-mp4 routes) or raw ADTS AAC.
 * The MP4 demuxer holds every byte until the track header ('moov') is complete: a file with its
 * moov at the end is buffered whole before any PCM comes out. The track's edit list (or iTunSMPB)
 * trims the encoder's priming and padding. Throws DecodeError('truncated') when the file ends
 * before the moov, 'corrupt' when it is not MP4/ADTS.
 */
export function createM4aAdapter(): Promise<CodecAdapter> {
  let inner: PushDecoder | null = null;
  let codec = 'aac';
  let tail = new Uint8Array(0); // last bytes of the previous chunk, for a 'stsd' split across writes
  let produced = false;

  const toDecoded = (a: AudioData): Decoded => {
    const n = a.channelData[0]?.length ?? 0;
    produced ||= n > 0;
    return { channelData: a.channelData, samplesDecoded: n, sampleRate: a.sampleRate };
  };
  const findCodec = (bytes: Uint8Array): void => {
    const joined = new Uint8Array(tail.length + Math.min(bytes.length, 1 << 20));
    joined.set(tail);
    joined.set(bytes.subarray(0, joined.length - tail.length), tail.length);
    for (let i = 0; i + 20 <= joined.length; i++) {
      if (joined[i] === 0x73 && String.fromCharCode(...joined.subarray(i, i + 4)) === 'stsd') {
        const entry = String.fromCharCode(...joined.subarray(i + 16, i + 20));
        codec = CODECS[entry] ?? entry.trim().toLowerCase();
        return;
      }
    }
    tail = bytes.slice(Math.max(0, bytes.length - 24));
  };

  return Promise.resolve({
    accepts(head, complete) {
      if (head.length >= 8 && String.fromCharCode(...head.subarray(4, 8)) === 'ftyp') return true;
      if (head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xf6) === 0xf0) return true;
      if (head.length >= 8 || complete)
        throw new DecodeError('corrupt', 'not an M4A/MP4 file (no ftyp box) nor ADTS AAC');
      return false;
    },
    describe: (_head, first): StreamInfo => ({
      format: 'm4a',
      codec,
      sampleRate: first.sampleRate,
      channels: first.channelData.length,
      bitDepth: null,
      declaredFrames: null,
    }),
    channels: (block) => block.channelData,
    async decode(bytes) {
      if (!inner) {
        const adts = bytes[0] === 0xff;
        inner = adts ? await aacDecoder() : await mp4Decoder();
      }
      if (!produced) findCodec(bytes);
      return toDecoded(await inner.decode(bytes));
    },
    async flush() {
      if (!inner) return { channelData: [], samplesDecoded: 0, sampleRate: 0 };
      try {
        return toDecoded(await inner.flush());
      } catch (err) {
        if (!produced)
          throw new DecodeError(
            'truncated',
            `M4A file ends before its track header (moov) is complete: ${asDecodeError(err, 'truncated', 'mp4').message}`,
          );
        throw asDecodeError(err, 'corrupt', 'M4A');
      }
    },
    free: () => inner?.free(),
  });
}
