import { compareScanOrder } from '../../../../shared/files/scan-order.js';
import { sortExcluded } from '../../../../shared/files/exclusion-filter.js';
import {
  IGNORE_FILE,
  ignoreFileTooLarge,
  isIgnoreFile,
  MAX_IGNORE_FILE_BYTES,
  type ExcludedFile,
} from '../../../../shared/files/exclusions.js';
import { pacer } from '../controller/pacing.js';
/** A file picked by the user, with its path from the picked folder's parent ('/'-separated). */
export interface PickedFile {
  path: string;
  file: File;
}

/** What one pick gave: its files, the names of its top folders, and the handles to keep. */
export interface Pick {
  files: PickedFile[];
  roots: string[];
  handles: FileSystemDirectoryHandle[];
  /** Files left out by the `.smignore` files among those picked, with why (in scan order). */
  excluded: ExcludedFile[];
}

/** Files macOS, Windows and DAWs leave beside audio that nobody means to import. */
const HIDDEN = /(^|\/)(\.[^/]*|Thumbs\.db|desktop\.ini|__MACOSX)(\/|$)/i;

function rootOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? 'Dropped files' : path.slice(0, slash);
}

/** A `.smignore` among picked files, outside hidden folders: its patterns are read. */
function isReadIgnoreFile(path: string): boolean {
  return isIgnoreFile(path) && !HIDDEN.test(path.slice(0, -IGNORE_FILE.length));
}

/**
 * The text of a picked `.smignore`.
 * @throws ExclusionPatternError when it is too large.
 */
async function ignoreText({ path, file }: PickedFile): Promise<string> {
  if (file.size > MAX_IGNORE_FILE_BYTES) throw ignoreFileTooLarge(path);
  return file.text();
}

/**
 * The pick of these files: hidden files dropped, the `.smignore` files read and what they
 * exclude left out (each folder picked is the root of its patterns), in scan order.
 * @throws ExclusionPatternError for a bad pattern (the message says which file and line).
 */
async function pickOf(
  files: PickedFile[],
  handles: FileSystemDirectoryHandle[] = [],
): Promise<Pick> {
  const ignoreFiles = [];
  for (const file of files)
    if (isReadIgnoreFile(file.path))
      ignoreFiles.push({ path: file.path, text: await ignoreText(file) });
  // The CLI's scan order: of two files of one sound, both meet the same one first.
  const visible = files
    .filter((f) => !HIDDEN.test(f.path))
    .sort((a, b) => compareScanOrder(a.path, b.path));
  const { kept, excluded } = sortExcluded(visible, (f) => f.path, { rooted: true, ignoreFiles });
  return {
    files: kept,
    roots: [...new Set(kept.map((f) => rootOf(f.path)))],
    handles,
    excluded: excluded.map(({ path, reason }) => ({ path, reason })),
  };
}

/** The files of an `<input type=file webkitdirectory>` (or a plain multiple file input). */
export async function pickFromInput(list: FileList): Promise<Pick> {
  return pickOf(Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file })));
}

/** Every entry of a directory: readEntries answers in batches (100 in Chrome) until empty. */
async function readAll(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const out: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

async function walkEntry(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ path, file });
  } else if (entry.isDirectory) {
    for (const child of await readAll(entry as FileSystemDirectoryEntry)) {
      await walkEntry(child, path, out);
    }
  }
}

/** The files and folders dropped on the page, every level of every folder read. */
export async function pickFromDrop(items: DataTransferItemList): Promise<Pick> {
  // Entries must be taken synchronously, before the drop event's data goes away.
  const entries = Array.from(items)
    .map((item) => item.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  const files: PickedFile[] = [];
  for (const entry of entries) await walkEntry(entry, '', files);
  return pickOf(files);
}

/** The files under a directory handle (from showDirectoryPicker or kept in IndexedDB). */
export async function filesOfHandle(handle: FileSystemDirectoryHandle): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  async function walk(dir: FileSystemDirectoryHandle, prefix: string): Promise<void> {
    for await (const child of dir.values()) {
      const path = `${prefix}/${child.name}`;
      if (HIDDEN.test(path) && !(child.kind === 'file' && isReadIgnoreFile(path))) continue;
      if (child.kind === 'file')
        out.push({ path, file: await (child as FileSystemFileHandle).getFile() });
      else await walk(child as FileSystemDirectoryHandle, path);
    }
  }
  await walk(handle, handle.name);
  return out;
}

/**
 * The pick a watched folder's scan sees: every file under the handles (sizes and dates only,
 * no bytes read), hidden files and what `.smignore` files exclude left out, as a pick of the
 * folders would. Permission must be granted already.
 * @throws ExclusionPatternError for a bad pattern; DOMException when a folder is gone or denied.
 */
export async function pickOfHandles(handles: FileSystemDirectoryHandle[]): Promise<Pick> {
  const files: PickedFile[] = [];
  for (const handle of handles) files.push(...(await filesOfHandle(handle)));
  return pickOf(files, handles);
}

/** Whether this browser has the File System Access directory picker. */
export function hasDirectoryPicker(): boolean {
  return typeof window.showDirectoryPicker === 'function';
}

/** Opens the directory picker; null when the user closed it. */
export async function pickDirectory(): Promise<Pick | null> {
  let handle: FileSystemDirectoryHandle;
  try {
    if (!window.showDirectoryPicker) return null;
    handle = await window.showDirectoryPicker({ id: 'sm-import', mode: 'read' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    throw error;
  }
  return pickOf(await filesOfHandle(handle), [handle]);
}

/**
 * Asks again for read access to kept handles (one click: this must run in a click handler).
 * Returns the files of those the user granted.
 */
export async function regrant(handles: FileSystemDirectoryHandle[]): Promise<Pick> {
  const granted: FileSystemDirectoryHandle[] = [];
  for (const handle of handles) {
    const state = await handle.requestPermission({ mode: 'read' });
    if (state === 'granted') granted.push(handle);
  }
  const files: PickedFile[] = [];
  for (const handle of granted) files.push(...(await filesOfHandle(handle)));
  return pickOf(files);
}

/**
 * The size and date of each picked file. Chrome stats a disk-backed File on the main thread the
 * first time either is read (about 0.15 ms each: 3 s for 20,000 files), so this reads them in
 * slices and lets the page paint in between.
 */
export async function factsOf(
  files: readonly PickedFile[],
): Promise<{ path: string; sizeBytes: number; lastModified: number }[]> {
  const pace = pacer();
  const out: { path: string; sizeBytes: number; lastModified: number }[] = [];
  for (const { path, file } of files) {
    await pace();
    out.push({ path, sizeBytes: file.size, lastModified: file.lastModified });
  }
  return out;
}
