import type { ReactNode } from 'react';
import { PlayButton } from '../../player/PlayButton/PlayButton.js';
import type { QueueFile } from '../../queue/queue-types.js';
import { formatBytes, splitPath } from '../format.js';
import { Waveform } from '../Waveform/Waveform.js';

function kbps(sizeBytes: number, durationS: number | undefined): string {
  if (!durationS) return '';
  return `${Math.round((sizeBytes * 8) / durationS / 1000)} kb/s`;
}

/**
 * A file of a group card, to compare by eye and by ear: name, folder, format, rate, depth, size,
 * bitrate, waveform and a play button; `children` says what becomes of it.
 */
export function FileMember({
  file,
  testId,
  kept,
  children,
}: {
  file: QueueFile;
  testId: string;
  kept?: boolean;
  children?: ReactNode;
}) {
  const { folder, name } = splitPath(file.path);
  return (
    <div
      className={`member${kept ? ' kept' : ''}`}
      data-testid={testId}
      data-path={file.path}
      data-kept={kept}
    >
      <strong title={file.path}>{name}</strong>
      <span className="muted">{folder}</span>
      <span>
        {file.format} · {file.analysis?.sampleRate} Hz
        {file.bitDepth ? ` · ${file.bitDepth}-bit` : ''} · {formatBytes(file.sizeBytes)} ·{' '}
        {kbps(file.sizeBytes, file.analysis?.durationS)}
      </span>
      <Waveform peaks={file.analysis?.waveform} width={160} height={28} />
      <PlayButton sound={{ kind: 'file', path: file.path }} name={file.path} />
      {children}
    </div>
  );
}

/** A library sound of a group card, played from the server; `path` names it when known. */
export function LibraryMember({
  assetId,
  path,
  testId,
  children,
}: {
  assetId: string;
  path?: string;
  testId: string;
  children?: ReactNode;
}) {
  const { folder, name } = splitPath(path ?? '');
  return (
    <div className="member library" data-testid={testId} data-asset={assetId} data-path={path}>
      <strong>In your library</strong>
      {path && (
        <>
          <span title={path}>{name}</span>
          <span className="muted">{folder}</span>
        </>
      )}
      <PlayButton sound={{ kind: 'library', assetId }} name={path ?? "the library's copy"} />
      {children}
    </div>
  );
}
