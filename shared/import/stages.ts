import type { EntryState } from '../schemas/index.js';

/**
 * Where a file is in its import, in the wizard's queue, the CLI's state file and the engine
 * alike. `pending_upload`, `uploading`, `done`, `duplicate` and `failed` are the server's entry
 * states of the same names; `discovered` and `analysed` come before the server knows the file,
 * and `skipped` is a file that is not audio (never sent).
 */
export type ImportStage =
  | 'discovered'
  | 'analysed'
  | 'pending_upload'
  | 'uploading'
  | 'done'
  | 'duplicate'
  | 'skipped'
  | 'failed';

const MOVES: Record<ImportStage, readonly ImportStage[]> = {
  discovered: ['analysed', 'skipped', 'failed'],
  analysed: ['pending_upload', 'duplicate', 'failed', 'discovered'],
  pending_upload: ['uploading', 'done', 'duplicate', 'failed'],
  uploading: ['pending_upload', 'done', 'duplicate', 'failed'],
  done: [],
  duplicate: ['analysed'],
  skipped: [],
  // A retryable failure goes back to where it can be tried again.
  failed: ['discovered', 'analysed', 'pending_upload'],
};

/** Stages a file does not leave by itself: the import is over for it. */
export const FINAL_STAGES: readonly ImportStage[] = ['done', 'duplicate', 'skipped', 'failed'];

export function isFinal(stage: ImportStage): boolean {
  return FINAL_STAGES.includes(stage);
}

/** Whether a file may move from `from` to `to` (staying put is always allowed). */
export function canMove(from: ImportStage, to: ImportStage): boolean {
  return from === to || MOVES[from].includes(to);
}

export class IllegalMoveError extends Error {
  readonly code = 'illegal_move';
  constructor(path: string, from: ImportStage, to: ImportStage) {
    super(`${path}: a file cannot go from ${from} to ${to}`);
  }
}

/**
 * The file moved to `to` with `patch` applied. Pure: returns a new object.
 * @throws IllegalMoveError when the state machine does not allow the move.
 */
export function moveFile<F extends { path: string; state: ImportStage }>(
  file: F,
  to: ImportStage,
  patch: Partial<F> = {},
): F {
  if (!canMove(file.state, to)) throw new IllegalMoveError(file.path, file.state, to);
  return { ...file, ...patch, state: to };
}

/** The stage of a file whose server entry is in `state` (a cancelled entry failed for the file). */
export function stageOfEntry(state: EntryState): ImportStage {
  return state === 'cancelled' ? 'failed' : state;
}

/**
 * A stage as an earlier release saved it: the wizard called `pending_upload` "checked" and the
 * CLI "sent". Saved imports from before the rename open with the server's name.
 */
export function savedStage(name: string): ImportStage {
  return name === 'checked' || name === 'sent' ? 'pending_upload' : (name as ImportStage);
}
