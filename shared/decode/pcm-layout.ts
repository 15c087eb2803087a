/** How interleaved integer or float PCM is laid out in bytes. */
export interface PcmLayout {
  channels: number;
  /** Bytes per sample in the container (1, 2, 3, 4 or 8); samples narrower than this are left-justified. */
  bytesPerSample: number;
  float: boolean;
  bigEndian: boolean;
  /** 8-bit WAV is unsigned (offset binary); everything else here is two's complement. */
  unsigned8: boolean;
}

/** Bytes per sample frame (all channels). */
export function blockAlign(layout: PcmLayout): number {
  return layout.bytesPerSample * layout.channels;
}

/** ffmpeg-style codec name for the layout, e.g. 'pcm_s24le', 'pcm_f32be', 'pcm_u8'. */
export function pcmCodecName(layout: PcmLayout): string {
  const bits = layout.bytesPerSample * 8;
  if (bits === 8) return layout.unsigned8 ? 'pcm_u8' : 'pcm_s8';
  return `pcm_${layout.float ? 'f' : 's'}${bits}${layout.bigEndian ? 'be' : 'le'}`;
}

/**
 * Converts whole interleaved frames to planar Float32Arrays in [-1, 1) (floats are passed through).
 * Integers are scaled by 2^(container bits - 1). Bytes past the last whole frame are ignored.
 */
export function deinterleave(bytes: Uint8Array, layout: PcmLayout): Float32Array[] {
  const { channels, bytesPerSample: size } = layout;
  const frames = Math.floor(bytes.length / (size * channels));
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  const le = !layout.bigEndian;
  if (le && !layout.float && (size === 2 || size === 3)) {
    deinterleaveIntLe(bytes, size, out);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = sampleReader(view, layout, le);
  for (let c = 0; c < channels; c++) {
    const dst = out[c] as Float32Array;
    let pos = c * size;
    const step = size * channels;
    for (let i = 0; i < frames; i++, pos += step) dst[i] = read(pos);
  }
  return out;
}

/**
 * 16- and 24-bit little-endian integers, most WAV files: the bytes assembled in place, the
 * same values as DataView's reads at a third of their cost.
 */
function deinterleaveIntLe(bytes: Uint8Array, size: 2 | 3, out: Float32Array[]): void {
  const channels = out.length;
  const step = size * channels;
  for (let c = 0; c < channels; c++) {
    const dst = out[c]!;
    const frames = dst.length;
    let p = c * size;
    if (size === 2) {
      for (let i = 0; i < frames; i++, p += step)
        dst[i] = (((bytes[p + 1]! << 24) >> 16) | bytes[p]!) / 32768;
    } else {
      for (let i = 0; i < frames; i++, p += step)
        dst[i] = (((bytes[p + 2]! << 24) >> 8) | (bytes[p + 1]! << 8) | bytes[p]!) / 8388608;
    }
  }
}

function sampleReader(view: DataView, layout: PcmLayout, le: boolean): (pos: number) => number {
  switch (layout.bytesPerSample) {
    case 1:
      return layout.unsigned8
        ? (p) => (view.getUint8(p) - 128) / 128
        : (p) => view.getInt8(p) / 128;
    case 2:
      return (p) => view.getInt16(p, le) / 32768;
    case 3:
      return le
        ? (p) =>
            ((view.getInt8(p + 2) << 16) | (view.getUint8(p + 1) << 8) | view.getUint8(p)) / 8388608
        : (p) =>
            ((view.getInt8(p) << 16) | (view.getUint8(p + 1) << 8) | view.getUint8(p + 2)) /
            8388608;
    case 4:
      return layout.float
        ? (p) => view.getFloat32(p, le)
        : (p) => view.getInt32(p, le) / 2147483648;
    case 8:
      if (!layout.float) throw new RangeError('64-bit integer PCM is not supported');
      return (p) => view.getFloat64(p, le);
    default:
      throw new RangeError(`unsupported sample size: ${layout.bytesPerSample} bytes`);
  }
}
