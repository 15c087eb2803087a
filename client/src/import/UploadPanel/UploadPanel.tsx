import { useRef } from 'react';
import type { ImportView } from '../controller/import-store.js';
import { formatBytes, formatEta } from '../format.js';
import { ProgressBar } from '../ProgressBar/ProgressBar.js';
import { uploadPace, type PaceStart } from '../../../../shared/import/index.js';

/**
 * Seconds the uploads still need, at their pace since they last started or went on (a pause or
 * the network away restarts the count); null while there is none to go by.
 */
function useUploadEta(sent: number, total: number, running: boolean): number | null {
  const start = useRef<PaceStart | null>(null);
  // The count starts with the bytes: while none have moved since, it starts again.
  if (!running) start.current = null;
  else if (start.current === null || start.current.sent === sent)
    start.current = { at: Date.now(), sent };
  return uploadPace(start.current, Date.now(), sent, total)?.etaS ?? null;
}

/** The upload as it goes: the server's job status and counters, bytes sent, pause and resume. */
export function UploadPanel({
  view,
  onPause,
  onResume,
}: {
  view: ImportView;
  onPause: () => void;
  onResume: () => void;
}) {
  const { upload, bytes, job, counts } = view;
  const pct = bytes.total > 0 ? Math.min(100, (100 * bytes.sent) / bytes.total) : 0;
  const waiting = !view.online ? 'offline' : upload.paused ? 'paused' : null;
  const eta = useUploadEta(bytes.sent, bytes.total, upload.running && waiting === null);
  return (
    <section className="upload-panel" data-testid="upload-panel" aria-live="polite">
      <p>
        Job{' '}
        <span
          className={`status status-${job?.status ?? 'none'}`}
          data-testid="job-status"
          data-status={job?.status ?? 'none'}
        >
          {job?.status ?? 'starting'}
        </span>
        {waiting && (
          <span className="muted" data-testid="upload-waiting">
            {' '}
            · uploads {waiting === 'offline' ? 'wait for the connection' : 'paused'}
          </span>
        )}
      </p>
      <ProgressBar percent={pct} />
      <p>
        {formatBytes(bytes.sent)} of {formatBytes(bytes.total)} sent · {upload.active} uploading now
        {eta !== null && <span data-testid="upload-eta"> · about {formatEta(eta)} left</span>}
      </p>
      <ul className="counts">
        <li data-testid="upload-done">{counts.done} imported</li>
        <li data-testid="upload-duplicates">{counts.duplicate} duplicates</li>
        <li data-testid="upload-waiting-count">
          {counts.pending_upload + counts.uploading + counts.analysed} to go
        </li>
        <li data-testid="upload-failed">{counts.failed} failed</li>
      </ul>
      {job && (
        <p className="muted" data-testid="job-totals">
          Server: {job.totals.completed} stored, {job.totals.duplicates} duplicates,{' '}
          {job.totals.failed} failed, {job.totals.queued + job.totals.processing} waiting
        </p>
      )}
      {upload.paused ? (
        <button type="button" className="primary" data-testid="resume-upload" onClick={onResume}>
          Resume
        </button>
      ) : (
        <button
          type="button"
          data-testid="pause-upload"
          onClick={onPause}
          disabled={!upload.running}
        >
          Pause
        </button>
      )}
    </section>
  );
}
