import type { Page } from '@playwright/test';

/**
 * Gives the page a real FileSystemDirectoryHandle to pick: `showDirectoryPicker` answers with
 * the folder `name` of the origin private file system (OPFS), which the test fills with
 * `writeOpfsFile`. It is the browser's own handle (the same API as a picked disk folder:
 * iteration, getFile, sizes and dates, kept in IndexedDB), since a test cannot click through
 * the native picker.
 *
 * OPFS handles are always granted, so read permission is modelled as the picker gives it: the
 * pick grants it for this page's life, and a reloaded page starts at 'prompt' (as a browser
 * reopened does) until `requestPermission` is called.
 */
export async function serveOpfsFolderAsPicker(page: Page, name: string): Promise<void> {
  await page.addInitScript((folder: string) => {
    let granted = false;
    const proto = FileSystemHandle.prototype as unknown as {
      queryPermission: () => Promise<PermissionState>;
      requestPermission: () => Promise<PermissionState>;
    };
    proto.queryPermission = () => Promise.resolve(granted ? 'granted' : 'prompt');
    proto.requestPermission = () => {
      granted = true;
      return Promise.resolve('granted');
    };
    (
      window as { showDirectoryPicker?: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = async () => {
      const root = await navigator.storage.getDirectory();
      granted = true;
      return root.getDirectoryHandle(folder, { create: true });
    };
  }, name);
}

/** Writes a file into the page's OPFS at `path` ('/'-separated), folders made as needed. */
export async function writeOpfsFile(page: Page, path: string, bytes: Buffer): Promise<void> {
  await page.evaluate(
    async ({ path, base64 }) => {
      const names = path.split('/');
      let dir = await navigator.storage.getDirectory();
      for (const name of names.slice(0, -1))
        dir = await dir.getDirectoryHandle(name, { create: true });
      const file = await dir.getFileHandle(names.at(-1)!, { create: true });
      const writable = await file.createWritable();
      await writable.write(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
      await writable.close();
    },
    { path, base64: bytes.toString('base64') },
  );
}

/** Removes a file from the page's OPFS at `path`. */
export async function removeOpfsFile(page: Page, path: string): Promise<void> {
  await page.evaluate(async (path) => {
    const names = path.split('/');
    let dir = await navigator.storage.getDirectory();
    for (const name of names.slice(0, -1)) dir = await dir.getDirectoryHandle(name);
    await dir.removeEntry(names.at(-1)!);
  }, path);
}
