import { useSyncExternalStore } from 'react';
import { formatClock } from '../format.js';
import type { FolderSync, SyncView } from '../sync/folder-sync.js';

/** What the sync is doing, after the folder's name. */
function doing(view: SyncView): string {
  switch (view.state) {
    case 'needs-permission':
      return 'paused until the folder is allowed again';
    case 'waiting':
      return 'waiting for the import under way';
    case 'scanning':
      return 'scanning';
    case 'error':
    case 'watching':
    case 'off':
      return view.lastScanAt === null
        ? 'first scan soon'
        : `last scan ${formatClock(view.lastScanAt)}`;
  }
}

/**
 * The watched folder: "Keeping <folder> in sync · last scan hh:mm:ss · N new imported", with
 * Stop; after a reopen, the one click that gives the folder back (`Resume sync`).
 */
export function SyncIndicator({ sync }: { sync: FolderSync }) {
  const view = useSyncExternalStore(sync.subscribe, sync.getSnapshot);
  if (view.state === 'off') return null;
  const folder = view.roots.join(', ');
  return (
    <section
      className="sync-indicator"
      data-testid="sync-indicator"
      data-state={view.state}
      data-imported={view.imported}
      data-last-scan={view.lastScanAt ?? ''}
      aria-live="polite"
    >
      <p>
        <span data-testid="sync-status">
          Keeping <strong>{folder}</strong> in sync · {doing(view)} · {view.imported} new imported
        </span>
        {view.state === 'needs-permission' && (
          <button
            type="button"
            className="primary"
            data-testid="sync-resume"
            onClick={() => void sync.resume()}
          >
            Resume sync
          </button>
        )}
        <button type="button" data-testid="sync-stop" onClick={() => void sync.stop()}>
          Stop
        </button>
      </p>
      {view.error && (
        <p className="error" role="alert" data-testid="sync-error">
          {view.error}
        </p>
      )}
      {view.gone.length > 0 && (
        <details data-testid="sync-gone" data-count={view.gone.length}>
          <summary>
            {view.gone.length} no longer in the folder (their sounds stay in the library)
          </summary>
          <ul className="reasons">
            {view.gone.map((path) => (
              <li key={path} data-testid="sync-gone-file" data-path={path}>
                {path}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
