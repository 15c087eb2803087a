import type { ByteRange } from '../objects/object-store.js';

/**
 * What a `Range` header asks of a representation of `size` bytes (RFC 9110 §14): one range
 * (`bytes=0-99`, `bytes=100-`, `bytes=-100`), clamped to the end; `'unsatisfiable'` when it
 * starts at or past the end (answer 416); null when the whole is to be sent: no header, another
 * unit, a malformed one, or several ranges (which a server may ignore).
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | null {
  const match = header?.match(/^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i);
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
