import { watch, type FSWatcher } from 'node:fs';
import { describeFsError } from '../../../shared/node/read-errors.js';

/** How a watch learns of changes: filesystem events (and a slow rescan), or rescans alone. */
export type WatchMode = 'events' | 'poll';

export interface FolderEvents {
  mode: WatchMode;
  /** Why events could not be had (`poll` mode), for the user. */
  reason: string | null;
  close(): void;
}

/**
 * Calls `changed` on any filesystem event under `paths` (node's recursive `fs.watch`: inotify
 * on Linux since node 20, where it also reports files in folders made after it started, as
 * checked on node 20.20; FSEvents on macOS, ReadDirectoryChangesW on Windows). The events only
 * say "look again": which files changed is what the next scan finds, so a missed or merged
 * event costs a delay, never a file. When a path cannot be watched (inotify's watch limit, a filesystem
 * without events) or a watch fails later, every watch is closed and `failed` is told: the
 * caller then rescans on a timer instead.
 */
export function watchFolders(
  paths: readonly string[],
  changed: () => void,
  failed: (reason: string) => void,
): FolderEvents {
  const watchers: FSWatcher[] = [];
  const events: FolderEvents = {
    mode: 'events',
    reason: null,
    close: () => {
      for (const w of watchers.splice(0)) w.close();
    },
  };
  const fallBack = (path: string, error: unknown) => {
    if (events.mode === 'poll') return;
    events.close();
    events.mode = 'poll';
    events.reason = `cannot watch ${path} for changes (${describeFsError(error)})`;
    failed(events.reason);
  };
  for (const path of paths) {
    try {
      // A file given alone is watched itself (recursive is ignored for a file).
      const watcher = watch(path, { recursive: true, persistent: true }, () => changed());
      watcher.on('error', (error) => fallBack(path, error));
      watchers.push(watcher);
    } catch (error) {
      fallBack(path, error);
      break;
    }
  }
  return events;
}
