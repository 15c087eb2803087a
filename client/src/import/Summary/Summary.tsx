import { navigate } from '../../app/route.js';
import type { ImportView } from '../controller/import-store.js';
import { countKeptBesideSimilar } from '../controller/similar-groups.js';

/**
 * How the import ended: imported (and how many of those beside a similar sound), duplicates,
 * skipped, failed with reasons; retry; next.
 */
export function Summary({
  view,
  onRetry,
  onNew,
}: {
  view: ImportView;
  onRetry: () => void;
  onNew: () => void;
}) {
  const { counts, files, job } = view;
  const failed = files.filter((f) => f.state === 'failed');
  const skipped = files.filter((f) => f.state === 'skipped');
  const retryable = failed.some((f) => f.retryable && f.entryId);
  const besideSimilar = countKeptBesideSimilar(files);
  return (
    <section className="summary" data-testid="summary">
      <h2>Import finished</h2>
      <ul className="big-counts">
        <li>
          <strong data-testid="summary-imported">{counts.done}</strong> imported
        </li>
        {besideSimilar > 0 && (
          <li>
            <strong data-testid="summary-similar">{besideSimilar}</strong> of them beside a similar
            sound
          </li>
        )}
        <li>
          <strong data-testid="summary-duplicates">{counts.duplicate}</strong> duplicates
        </li>
        <li>
          <strong data-testid="summary-skipped">{counts.skipped}</strong> skipped
        </li>
        <li>
          <strong data-testid="summary-failed">{counts.failed}</strong> failed
        </li>
      </ul>
      {job && (
        <p className="muted">
          Job{' '}
          <span data-testid="job-status" data-status={job.status}>
            {job.status}
          </span>
        </p>
      )}
      {failed.length > 0 && (
        <>
          <h3>Failed</h3>
          <ul className="reasons" data-testid="failed-list">
            {failed.map((f) => (
              <li key={f.path} data-testid="failed-file" data-path={f.path}>
                <strong>{f.path}</strong>: {f.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {skipped.length > 0 && (
        <details>
          <summary>{skipped.length} files were skipped: not audio</summary>
          <ul className="reasons">
            {skipped.map((f) => (
              <li key={f.path} data-testid="skipped-file">
                <strong>{f.path}</strong>: {f.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="actions">
        {retryable && (
          <button type="button" data-testid="retry-failed" onClick={onRetry}>
            Retry failed uploads
          </button>
        )}
        <button
          type="button"
          className="primary"
          data-testid="open-library"
          onClick={() => navigate('/library')}
        >
          See the library
        </button>
        <button type="button" data-testid="new-import" onClick={onNew}>
          New import
        </button>
      </div>
    </section>
  );
}
