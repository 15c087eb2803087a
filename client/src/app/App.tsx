import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { describeApiError } from '../api/api-errors.js';
import { api } from '../api/trpc.js';
import { ImportController } from '../import/controller/import-controller.js';
import { ImportPage } from '../import/ImportPage/ImportPage.js';
import { SyncIndicator } from '../import/SyncIndicator/SyncIndicator.js';
import { LibraryPage } from '../library/LibraryPage/LibraryPage.js';
import { navigate, useRoute, type Route } from './route.js';
import { SignIn } from './SignIn/SignIn.js';
import { SignOutButton } from './SignOut/SignOut.js';
import { UpdateBanner } from './UpdateBanner/UpdateBanner.js';
import { useOnline } from './useOnline.js';

const LAST_USER = 'sm-import:user';

/** Who is signed in; offline, the last known user (the app works on without the server). */
function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      const me = await api.me.query();
      localStorage.setItem(LAST_USER, JSON.stringify(me));
      return me;
    },
    retry: (count, error) => describeApiError(error).kind === 'network' && count < 2,
  });
}

function lastUser(): { name: string } | null {
  try {
    return JSON.parse(localStorage.getItem(LAST_USER) ?? 'null') as { name: string } | null;
  } catch {
    return null;
  }
}

/** The import engine lives as long as the page, whichever page is shown. */
function useController(): ImportController | null {
  const [controller, setController] = useState<ImportController | null>(null);
  useEffect(() => {
    let live = true;
    const opening = ImportController.open();
    void opening.then((c) => live && setController(c));
    return () => {
      // StrictMode mounts twice: the first controller lets go of the page (its listeners,
      // uploads and workers) instead of running beside the second.
      live = false;
      void opening.then((c) => c.dispose());
    };
  }, []);
  return controller;
}

function NavLink({ to, label }: { to: Route; label: string }) {
  const route = useRoute();
  return (
    <a
      href={to}
      data-testid={`nav-${to.slice(1)}`}
      aria-current={route === to ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {label}
    </a>
  );
}

export function App() {
  const route = useRoute();
  const online = useOnline();
  const me = useMe();
  const controller = useController();
  const failure = me.error ? describeApiError(me.error) : null;
  if (failure?.kind === 'unauthorized') return <SignIn />;
  const user = me.data ?? (failure ? lastUser() : null);
  return (
    <div className="app">
      <header className="top">
        <strong className="brand">Sample importer</strong>
        <nav>
          <NavLink to="/import" label="Import" />
          <NavLink to="/library" label="Library" />
        </nav>
        <span className="user" data-testid="user-name">
          {user?.name ?? ''}
        </span>
        {user && (
          <SignOutButton
            onSignedOut={() => {
              localStorage.removeItem(LAST_USER);
              // A fresh page: no connection or cached answer of the old session lives on.
              location.replace(location.pathname);
            }}
          />
        )}
      </header>
      {!online && (
        <div className="banner offline" data-testid="offline-banner" role="status">
          You are offline. Analysis goes on; uploads wait and resume by themselves when the
          connection is back.
        </div>
      )}
      {online && failure?.kind === 'network' && !user && (
        <div className="banner error" role="alert" data-testid="server-unreachable">
          {failure.message}
        </div>
      )}
      <UpdateBanner />
      {/* The folder kept in sync is watched whichever page is open, so it says so on each. */}
      {controller && <SyncIndicator sync={controller.sync} />}
      {route === '/library' ? (
        <LibraryPage />
      ) : controller ? (
        <ImportPage controller={controller} />
      ) : (
        <main className="loading">Opening your import queue…</main>
      )}
      <footer className="foot">
        Free software under the <a href="/licenses/LICENSE.txt">AGPL-3.0</a>; key detection by{' '}
        <a href="/licenses/essentia.js-LICENSE.txt">essentia.js (AGPL-3.0)</a>; odd files decoded by{' '}
        <a href="https://github.com/ffmpegwasm/ffmpeg.wasm">ffmpeg.wasm</a> (GPL-2.0-or-later).
      </footer>
    </div>
  );
}
