import { useRegisterSW } from 'virtual:pwa-register/react';

/**
 * Says when a new version of the app is ready. It waits for the user: the import queue lives in
 * IndexedDB, so reloading loses nothing, but a reload must never cut an upload by surprise.
 */
export function UpdateBanner() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW();
  if (!needRefresh) return null;
  return (
    <div className="banner" data-testid="update-banner" role="status">
      A new version of the importer is ready. Your import is kept and carries on after the reload.
      <button type="button" onClick={() => void updateServiceWorker(true)}>
        Reload now
      </button>
      <button type="button" className="quiet" onClick={() => setNeedRefresh(false)}>
        Later
      </button>
    </div>
  );
}
