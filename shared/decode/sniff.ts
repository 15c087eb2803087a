import { id3v2Length } from './id3.js';
import { findMpegSync } from './mpeg-header.js';
import type { AudioFormat } from './types.js';

export type SniffResult = { ok: true; format: AudioFormat } | { ok: false; reason: string };

const NOT_AUDIO: [string, number[]][] = [
  ['PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['JPEG image', [0xff, 0xd8, 0xff]],
  ['GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['PDF document', [0x25, 0x50, 0x44, 0x46]],
  ['ZIP archive', [0x50, 0x4b, 0x03, 0x04]],
  ['gzip archive', [0x1f, 0x8b]],
  ['7-Zip archive', [0x37, 0x7a, 0xbc, 0xaf]],
  ['RAR archive', [0x52, 0x61, 0x72, 0x21]],
  ['MIDI file', [0x4d, 0x54, 0x68, 0x64]],
  ['executable', [0x7f, 0x45, 0x4c, 0x46]],
  ['executable', [0x4d, 0x5a]],
  // What a Mac leaves beside audio in a zipped pack: `._Kick.wav` (its Finder data) and .DS_Store.
  ['macOS file metadata (an AppleDouble "._" file)', [0x00, 0x05, 0x16, 0x07]],
  ['macOS folder settings (.DS_Store)', [0x00, 0x00, 0x00, 0x01, 0x42, 0x75, 0x64, 0x31]],
];
/** The first bytes of an ASF file (Windows Media Audio). */
const ASF_GUID = [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11];
const IMAGE_BRANDS = new Set(['heic', 'heix', 'mif1', 'msf1', 'avif', 'avis']);

/**
 * Says which decoder a file needs from its first bytes (`head`, ideally 4 KiB or more), using the
 * file name's extension only where the bytes are ambiguous (an ID3 tag longer than `head`, raw
 * MPEG frames after junk). ADTS AAC is reported as 'm4a' (the AAC decoder reads both).
 * Never throws; a refusal names the problem: `empty file (0 bytes)`, `not audio: PNG image`,
 * `not audio: text`, `unrecognised format (...)`.
 */
export function sniffAudioFormat(head: Uint8Array, fileName: string): SniffResult {
  if (head.length === 0) return { ok: false, reason: 'empty file (0 bytes)' };
  const ext = extensionOf(fileName);
  const tag4 = (at: number): string => ascii(head.subarray(at, at + 4));

  if (['RIFF', 'RF64', 'BW64'].includes(tag4(0))) {
    const kind = tag4(8);
    if (kind === 'WAVE') return { ok: true, format: 'wav' };
    if (kind === 'WEBP') return notAudio('WebP image');
    if (kind === 'AVI ') return notAudio('AVI video');
    return unrecognised(`RIFF '${kind}'`, ext);
  }
  if (tag4(0) === 'FORM' && (tag4(8) === 'AIFF' || tag4(8) === 'AIFC'))
    return { ok: true, format: 'aiff' };
  if (tag4(0) === 'caff') return { ok: true, format: 'caf' };
  // Read by ffmpeg only (FfmpegOnlyFormat).
  if (tag4(0) === 'wvpk') return { ok: true, format: 'wavpack' };
  if (tag4(0) === 'riff' && tag4(24) === 'wave') return { ok: true, format: 'w64' };
  if (ASF_GUID.every((b, i) => head[i] === b)) return { ok: true, format: 'wma' };
  if (tag4(0) === '.snd') return { ok: true, format: 'au' };
  if (tag4(0) === 'fLaC') return { ok: true, format: 'flac' };
  if (tag4(0) === 'OggS') return sniffOgg(head, ext);
  if (tag4(4) === 'ftyp') {
    return IMAGE_BRANDS.has(tag4(8)) ? notAudio('HEIF/AVIF image') : { ok: true, format: 'm4a' };
  }

  const id3 = id3v2Length(head);
  if (id3 !== null && id3 > 0) {
    if (id3 + 4 > head.length) return { ok: true, format: ext === 'flac' ? 'flac' : 'mp3' };
    if (ascii(head.subarray(id3, id3 + 4)) === 'fLaC') return { ok: true, format: 'flac' };
    const sync = findMpegSync(head, id3, id3 + 1);
    if (sync === id3 || ext === 'mp3' || ext === 'mp2') return { ok: true, format: 'mp3' };
    if (isAdts(head, id3)) return { ok: true, format: 'm4a' };
    return unrecognised('ID3 tag followed by unknown data', ext);
  }
  if (isAdts(head, 0)) return { ok: true, format: 'm4a' };
  if (findMpegSync(head, 0, 1) === 0) return { ok: true, format: 'mp3' };

  for (const [name, magic] of NOT_AUDIO) {
    if (magic.every((b, i) => head[i] === b)) return notAudio(name);
  }
  if (looksLikeText(head)) return notAudio('text');
  // MPEG streams may start with junk before the first frame; trust that only for MPEG extensions
  if ((ext === 'mp3' || ext === 'mp2') && findMpegSync(head, 0) >= 0)
    return { ok: true, format: 'mp3' };
  return unrecognised(hexStart(head), ext);
}

function sniffOgg(head: Uint8Array, ext: string): SniffResult {
  // first page: 27-byte header, segment table, then the first packet
  const segments = head[26] ?? 0;
  const packet = head.subarray(27 + segments, 27 + segments + 8);
  const id = ascii(packet);
  if (id.startsWith('\x01vorbis')) return { ok: true, format: 'ogg-vorbis' };
  if (id.startsWith('OpusHead')) return { ok: true, format: 'opus' };
  if (id.startsWith('\x7fFLAC')) return { ok: true, format: 'flac' };
  if (id.startsWith('Speex')) return unrecognised('Ogg Speex', ext);
  if (id.includes('theora')) return notAudio('Ogg Theora video');
  if (packet.length < 8 && ext === 'opus') return { ok: true, format: 'opus' };
  if (packet.length < 8 && (ext === 'ogg' || ext === 'oga'))
    return { ok: true, format: 'ogg-vorbis' };
  return unrecognised('Ogg stream of unknown codec', ext);
}

function isAdts(b: Uint8Array, at: number): boolean {
  // 12-bit sync, layer 00; MPEG audio frames have a non-zero layer
  return (
    b[at] === 0xff && ((b[at + 1] ?? 0) & 0xf6) === 0xf0 && (((b[at + 2] ?? 0) >> 2) & 0xf) < 13
  );
}

function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i] ?? 0;
    if (c === 0) return false;
    if (c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) printable++;
  }
  return printable / n > 0.95;
}

function notAudio(what: string): SniffResult {
  return { ok: false, reason: `not audio: ${what}` };
}

function unrecognised(what: string, ext: string): SniffResult {
  return { ok: false, reason: `unrecognised format (${what}${ext ? `, extension .${ext}` : ''})` };
}

function hexStart(b: Uint8Array): string {
  return `starts with ${Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join(' ')}`;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > name.lastIndexOf('/') && dot >= 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function ascii(b: Uint8Array): string {
  return String.fromCharCode(...b);
}
