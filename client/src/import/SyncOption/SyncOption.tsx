import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ImportController } from '../controller/import-controller.js';
import { hasDirectoryPicker } from '../pick/picked-files.js';

/**
 * "Keep this folder in sync", for an import whose folders came from the folder picker (their
 * handles can be read again); otherwise shown off, with the one-line reason.
 */
export function SyncOption({ controller }: { controller: ImportController }) {
  const { sync, store } = controller;
  const view = useSyncExternalStore(sync.subscribe, sync.getSnapshot);
  const importView = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const record = importView.record;
  const [canKeep, setCanKeep] = useState(false);
  // Read again on every change of the import: its handles are saved just after its files.
  useEffect(() => {
    let live = true;
    void sync.canKeep().then((can) => live && setCanKeep(can));
    return () => {
      live = false;
    };
  }, [sync, importView]);
  // A watch's own batch holds only the files it found: a watch made from it would take the
  // rest of the folder for new. The folder's first import offers it.
  if (view.state !== 'off' || !record || record.auto) return null;
  const reason = !hasDirectoryPicker()
    ? 'This browser cannot keep a folder in sync: it has no folder picker (Chrome and Edge do).'
    : canKeep
      ? null
      : 'Only a folder chosen with “Choose folder” can be kept in sync, not dropped files or folders.';
  return (
    <div className="sync-option">
      <label>
        <input
          type="checkbox"
          data-testid="sync-toggle"
          checked={false}
          disabled={reason !== null}
          onChange={() => void sync.keep()}
        />{' '}
        Keep {record.roots.join(', ')} in sync: new files in it are imported while this page is open
      </label>
      {reason && (
        <p className="muted" data-testid="sync-unavailable">
          {reason}
        </p>
      )}
    </div>
  );
}
