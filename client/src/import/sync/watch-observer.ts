/** The part of FileSystemObserver (Chromium 129+, not in TypeScript's DOM library) used here. */
interface FileSystemObserverLike {
  observe(handle: FileSystemHandle, options?: { recursive?: boolean }): Promise<void>;
  disconnect(): void;
}

type FileSystemObserverClass = new (callback: () => void) => FileSystemObserverLike;

/** Stops the change reports. */
export interface WatchObserver {
  disconnect(): void;
}

/**
 * Calls `onChange` when the browser reports a change under the folders, where it can
 * (FileSystemObserver); null elsewhere. The reports only hurry the next scan: the periodic
 * rescan stays what finds files, since reports can be dropped or never come (some folders
 * cannot be observed, and the API is not in every browser).
 */
export function watchObserver(
  handles: readonly FileSystemDirectoryHandle[],
  onChange: () => void,
): WatchObserver | null {
  const Observer = (globalThis as { FileSystemObserver?: FileSystemObserverClass })
    .FileSystemObserver;
  if (typeof Observer !== 'function') return null;
  try {
    const observer = new Observer(onChange);
    for (const handle of handles)
      observer.observe(handle, { recursive: true }).catch(() => {
        // An unobservable folder is still polled.
      });
    return observer;
  } catch {
    return null;
  }
}
