/** Encodes planar float PCM as a 16- or 24-bit integer WAV file (little-endian PCM). */
export function encodeWav(
  channels: Float32Array[],
  sampleRate: number,
  bitDepth: 16 | 24 = 16,
): Uint8Array {
  const frames = channels[0]?.length ?? 0;
  const bytesPerSample = bitDepth / 8;
  const dataBytes = frames * channels.length * bytesPerSample;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels.length * bytesPerSample, true);
  view.setUint16(32, channels.length * bytesPerSample, true);
  view.setUint16(34, bitDepth, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  let offset = 44;
  const full = bitDepth === 16 ? 32767 : 8388607;
  for (let i = 0; i < frames; i++) {
    for (const channel of channels) {
      const v = Math.round(Math.max(-1, Math.min(1, channel[i]!)) * full);
      if (bitDepth === 16) view.setInt16(offset, v, true);
      else {
        view.setUint8(offset, v & 0xff);
        view.setUint8(offset + 1, (v >> 8) & 0xff);
        view.setInt8(offset + 2, v >> 16);
      }
      offset += bytesPerSample;
    }
  }
  return out;
}
