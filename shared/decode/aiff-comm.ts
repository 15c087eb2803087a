import { DecodeError } from './errors.js';
import type { PcmLayout } from './pcm-layout.js';

/** What an AIFF / AIFF-C 'COMM' chunk says. */
export interface AiffFormat {
  layout: PcmLayout;
  sampleRate: number;
  bitDepth: number;
  frames: number;
}

/**
 * Parses a COMM chunk body. AIFF is big-endian two's complement; AIFF-C adds a compression type:
 * NONE/twos (big-endian), sowt (little-endian), in24/in32, fl32/fl64 (big-endian float), raw (unsigned 8).
 * Throws DecodeError('unsupported') for compressed AIFF-C (ima4, ulaw...), 'corrupt' for impossible values.
 */
export function parseAiffComm(body: Uint8Array, aifc: boolean): AiffFormat {
  if (body.length < (aifc ? 22 : 18))
    throw new DecodeError('corrupt', `AIFF COMM chunk is ${body.length} bytes`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const channels = view.getUint16(0, false);
  const frames = view.getUint32(2, false);
  let bitDepth = view.getUint16(6, false);
  const sampleRate = Math.round(readExtended(body.subarray(8, 18)));
  const compression = aifc ? String.fromCharCode(...body.subarray(18, 22)) : 'NONE';
  let float = false;
  let bigEndian = true;
  let unsigned8 = false;
  switch (compression) {
    case 'NONE':
    case 'twos':
      break;
    case 'sowt':
      bigEndian = false;
      break;
    case 'in24':
      bitDepth = 24;
      break;
    case 'in32':
      bitDepth = 32;
      break;
    case 'fl32':
    case 'FL32':
      float = true;
      bitDepth = 32;
      break;
    case 'fl64':
    case 'FL64':
      float = true;
      bitDepth = 64;
      break;
    case 'raw ':
      unsigned8 = true;
      bitDepth = 8;
      break;
    default:
      throw new DecodeError(
        'unsupported',
        `AIFF-C compression '${compression.trim()}' is not supported`,
      );
  }
  const bytesPerSample = Math.ceil(bitDepth / 8);
  if (
    channels < 1 ||
    !(sampleRate > 0) ||
    !(float ? [4, 8] : [1, 2, 3, 4]).includes(bytesPerSample)
  ) {
    throw new DecodeError(
      'corrupt',
      `AIFF header is impossible: ${channels} channels, ${sampleRate} Hz, ${bitDepth} bits`,
    );
  }
  return {
    layout: { channels, bytesPerSample, float, bigEndian, unsigned8 },
    sampleRate,
    bitDepth,
    frames,
  };
}

/** Reads an 80-bit IEEE 754 extended-precision big-endian number (AIFF's sample rate). */
export function readExtended(b: Uint8Array): number {
  if (b.length < 10) throw new RangeError('80-bit float needs 10 bytes');
  const view = new DataView(b.buffer, b.byteOffset, 10);
  const signExp = view.getUint16(0, false);
  const hi = view.getUint32(2, false);
  const lo = view.getUint32(6, false);
  const exp = signExp & 0x7fff;
  if (exp === 0 && hi === 0 && lo === 0) return 0;
  if (exp === 0x7fff) return NaN;
  const mantissa = hi * 2 ** 32 + lo;
  const value = mantissa * 2 ** (exp - 16383 - 63);
  return signExp & 0x8000 ? -value : value;
}
