/**
 * Length in bytes of an ID3v2 tag at the start of `head` (header, body and footer), 0 when there
 * is none, or null when `head` is shorter than the 10-byte header that says.
 */
export function id3v2Length(head: Uint8Array): number | null {
  if (head.length < 3) return head.length === 0 ? 0 : null;
  if (head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return 0; // "ID3"
  if (head.length < 10) return null;
  const size =
    ((head[6] ?? 0) << 21) | ((head[7] ?? 0) << 14) | ((head[8] ?? 0) << 7) | (head[9] ?? 0);
  const footer = ((head[5] ?? 0) & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}
