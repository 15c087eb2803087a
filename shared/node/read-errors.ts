/** A file-system error as a sentence a producer can act on. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found (moved or deleted during the run?)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: this user cannot read the file';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'EIO':
      return 'the disk reported an I/O error while reading';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files: lower --concurrency';
    case undefined:
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
