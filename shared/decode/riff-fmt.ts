import { DecodeError } from './errors.js';
import type { PcmLayout } from './pcm-layout.js';

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** What a WAV 'fmt ' chunk says. */
export interface WavFormat {
  layout: PcmLayout;
  sampleRate: number;
  /** Valid bits per sample (may be narrower than the container, e.g. 20 in 24). */
  bitDepth: number;
}

/**
 * Parses a WAV 'fmt ' chunk body (PCM, IEEE float, or WAVE_FORMAT_EXTENSIBLE of either).
 * Throws DecodeError('unsupported') for compressed WAV (ADPCM, µ-law, MP3-in-WAV...) and
 * DecodeError('corrupt') for impossible values.
 */
export function parseWavFmt(body: Uint8Array): WavFormat {
  if (body.length < 16)
    throw new DecodeError('corrupt', `WAV 'fmt ' chunk is ${body.length} bytes, needs 16`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let tag = view.getUint16(0, true);
  const channels = view.getUint16(2, true);
  const sampleRate = view.getUint32(4, true);
  const align = view.getUint16(12, true);
  let bitDepth = view.getUint16(14, true);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (body.length < 40)
      throw new DecodeError('corrupt', 'WAVE_FORMAT_EXTENSIBLE fmt chunk is too short');
    const valid = view.getUint16(18, true);
    if (valid > 0 && valid <= bitDepth) bitDepth = valid;
    tag = view.getUint16(24, true); // first two bytes of the SubFormat GUID
  }
  if (channels < 1 || sampleRate < 1 || align < channels || align % channels !== 0) {
    throw new DecodeError(
      'corrupt',
      `WAV header is impossible: ${channels} channels, ${sampleRate} Hz, block ${align} bytes`,
    );
  }
  const bytesPerSample = align / channels;
  const float = tag === WAVE_FORMAT_IEEE_FLOAT;
  if (tag !== WAVE_FORMAT_PCM && !float) {
    throw new DecodeError(
      'unsupported',
      `WAV format tag 0x${tag.toString(16)} is compressed; only PCM and float WAV are read`,
    );
  }
  const okSizes = float ? [4, 8] : [1, 2, 3, 4];
  if (!okSizes.includes(bytesPerSample)) {
    throw new DecodeError(
      'unsupported',
      `WAV ${float ? 'float' : 'PCM'} with ${bytesPerSample * 8}-bit samples is not supported`,
    );
  }
  return {
    layout: { channels, bytesPerSample, float, bigEndian: false, unsigned8: bytesPerSample === 1 },
    sampleRate,
    bitDepth,
  };
}
