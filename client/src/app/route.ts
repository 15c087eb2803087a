import { useSyncExternalStore } from 'react';

/** The app's pages: the wizard, the library. */
export type Route = '/import' | '/library';

function current(): Route {
  return location.pathname.startsWith('/library') ? '/library' : '/import';
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  return () => window.removeEventListener('popstate', listener);
}

/** The page the address bar shows (any other path is the wizard). */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, current);
}

/** Goes to a page without reloading (the import in progress keeps running). */
export function navigate(route: Route): void {
  if (location.pathname === route) return;
  history.pushState(null, '', route);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
