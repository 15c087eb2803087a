/**
 * A file's state in the import queue, and the moves allowed between states (docs/architecture.md's state
 * machine). In the browser one read hashes and analyses a file, so `discovered` goes straight
 * to `analysed`; `checked` means its entry is on the server's job, waiting for its bytes.
 */
export type FileState =
  'discovered' | 'analysed' | 'checked' | 'uploading' | 'done' | 'duplicate' | 'skipped' | 'failed';

const MOVES: Record<FileState, readonly FileState[]> = {
  discovered: ['analysed', 'skipped', 'failed'],
  analysed: ['checked', 'duplicate', 'failed', 'discovered'],
  checked: ['uploading', 'done', 'duplicate', 'failed'],
  uploading: ['checked', 'done', 'duplicate', 'failed'],
  done: [],
  duplicate: ['analysed'],
  skipped: [],
  // A retryable failure goes back to where it can be tried again.
  failed: ['discovered', 'analysed', 'checked'],
};

/** States a file does not leave by itself: the import is over for it. */
export const FINAL_STATES: readonly FileState[] = ['done', 'duplicate', 'skipped', 'failed'];

export function isFinal(state: FileState): boolean {
  return FINAL_STATES.includes(state);
}

/** Whether a file may move from `from` to `to` (staying put is always allowed). */
export function canMove(from: FileState, to: FileState): boolean {
  return from === to || MOVES[from].includes(to);
}

export class IllegalMoveError extends Error {
  readonly code = 'illegal_move';
  constructor(path: string, from: FileState, to: FileState) {
    super(`${path}: a file cannot go from ${from} to ${to}`);
  }
}

/**
 * The file moved to `to` with `patch` applied. Pure: returns a new object.
 * @throws IllegalMoveError when the state machine does not allow the move.
 */
export function moveFile<F extends { path: string; state: FileState }>(
  file: F,
  to: FileState,
  patch: Partial<F> = {},
): F {
  if (!canMove(file.state, to)) throw new IllegalMoveError(file.path, file.state, to);
  return { ...file, ...patch, state: to };
}
