import { relative } from 'node:path';
import { keyIsUnsure, tempoIsUnsure } from '../../../shared/analysis/index.js';
import type { AnalysisLine } from '../../../shared/schemas/index.js';

const COLUMNS = ['KIND', 'DUR', 'BPM', 'KEY', 'CAM', 'LUFS', 'PEAK', 'FILE'] as const;
const WIDTHS = [8, 8, 7, 10, 4, 6, 6, 0];

function cell(text: string, width: number): string {
  return width === 0
    ? text
    : text.length >= width
      ? `${text.slice(0, width - 1)} `
      : text.padEnd(width);
}

function formatDuration(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return `${seconds.toFixed(2)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}:${String(Math.floor(seconds - m * 60)).padStart(2, '0')}`;
}

/** The header of the readable table. */
export function tableHeader(): string {
  return COLUMNS.map((c, i) => cell(c, WIDTHS[i]!)).join('');
}

/**
 * One readable row of a file's analysis, and under it the earlier files it is similar to, if
 * any; paths are shown relative to `cwd`. A tempo or key worth a second listen ends in `?`.
 */
export function tableRow(line: AnalysisLine, cwd: string): string {
  const path = relative(cwd, line.path) || line.path;
  if (line.status !== 'ok') {
    return `${cell(line.status.toUpperCase(), WIDTHS[0]!)}${path}: ${line.error ?? ''}`;
  }
  const tempoMark = tempoIsUnsure(line.bpm, line.bpm_confidence, line.bpm_hint);
  const keyMark = keyIsUnsure(line.key, line.key_confidence, line.key_hint_agreement);
  const values = [
    line.kind ?? '',
    formatDuration(line.duration_s),
    line.bpm === null ? '-' : `${Math.round(line.bpm * 10) / 10}${tempoMark ? '?' : ''}`,
    line.key === null ? '-' : `${line.key}${keyMark ? '?' : ''}`,
    line.camelot ?? '',
    line.loudness_lufs === null ? '-' : line.loudness_lufs.toFixed(1),
    line.peak_dbfs === null ? '-' : line.peak_dbfs.toFixed(1),
    path,
  ];
  const row = values.map((v, i) => cell(v, WIDTHS[i]!)).join('');
  if (line.duplicate_of) {
    const how = line.duplicate_by === 'content_hash' ? 'identical bytes' : 'same sound';
    return `${row}  = duplicate of ${relative(cwd, line.duplicate_of)} (${how})`;
  }
  if (line.similar_to.length > 0) {
    const others = line.similar_to.map((p) => relative(cwd, p) || p).join(', ');
    return `${row}\n${' '.repeat(WIDTHS[0]!)}~ similar to: ${others} (both kept)`;
  }
  return row;
}
