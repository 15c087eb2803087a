/** One chunk of a RIFF (WAV) or IFF (AIFF) file: its four-letter id, body offset and size. */
export interface FileChunk {
  id: string;
  /** Offset of the chunk's body in the bytes. */
  at: number;
  size: number;
}

/** The four letters at `at`. */
export function fourCc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

/**
 * The chunks after a 12-byte RIFF/FORM header within `bytes` (a whole file or its head), as
 * far as their headers lie in it: sizes little-endian for RIFF, big-endian for AIFF, bodies
 * padded to even lengths. The caller checks the header and that a body lies within `bytes`.
 */
export function* fileChunks(bytes: Uint8Array, littleEndian: boolean): Generator<FileChunk> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 12; at + 8 <= bytes.length;) {
    const size = view.getUint32(at + 4, littleEndian);
    yield { id: fourCc(bytes, at), at: at + 8, size };
    at += 8 + size + (size & 1);
  }
}
