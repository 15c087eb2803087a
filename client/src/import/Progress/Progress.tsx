import type { ImportView } from '../controller/import-store.js';
import { formatEta } from '../format.js';
import { ProgressBar } from '../ProgressBar/ProgressBar.js';

/** Files analysed of all, the rate, the time left and how many files are in each state. */
export function Progress({ view }: { view: ImportView }) {
  const { analysis, counts, files } = view;
  const done = files.length - counts.discovered;
  const pct = files.length > 0 ? (100 * done) / files.length : 0;
  return (
    <section className="progress" data-testid="analysis-progress" aria-live="polite">
      <ProgressBar percent={pct} />
      <p>
        <strong>
          <span data-testid="progress-done">{done}</span> of{' '}
          <span data-testid="progress-total">{files.length}</span>
        </strong>{' '}
        files analysed
        {analysis.running && (
          <>
            {' · '}
            <span data-testid="progress-rate">{analysis.filesPerS.toFixed(1)}</span> files/s · about{' '}
            <span data-testid="progress-eta">{formatEta(analysis.etaS)}</span> left
          </>
        )}
      </p>
      {view.record?.step === 'analyse' && !analysis.running && counts.discovered === 0 && (
        <p className="muted" data-testid="checking-library">
          {view.online
            ? 'Checking your library for these sounds…'
            : 'Analysis is done. The check against your library waits for the connection.'}
        </p>
      )}
      <ul className="counts">
        <li data-testid="count-analysed">
          {counts.analysed +
            counts.pending_upload +
            counts.uploading +
            counts.done +
            counts.duplicate}{' '}
          analysed
        </li>
        <li data-testid="count-skipped">{counts.skipped} skipped</li>
        <li data-testid="count-failed">{counts.failed} failed</li>
        <li data-testid="count-waiting">{counts.discovered} waiting</li>
      </ul>
    </section>
  );
}
