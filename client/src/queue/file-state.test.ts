import { describe, expect, it } from 'vitest';
import {
  canMove,
  FINAL_STATES,
  IllegalMoveError,
  isFinal,
  moveFile,
  type FileState,
} from './file-state.js';

const ALL: FileState[] = [
  'discovered',
  'analysed',
  'checked',
  'uploading',
  'done',
  'duplicate',
  'skipped',
  'failed',
];

/** The state machine of docs/architecture.md, written out again so a change to file-state.ts shows here. */
const ALLOWED: Record<FileState, FileState[]> = {
  discovered: ['analysed', 'skipped', 'failed'],
  analysed: ['checked', 'duplicate', 'failed', 'discovered'],
  checked: ['uploading', 'done', 'duplicate', 'failed'],
  uploading: ['checked', 'done', 'duplicate', 'failed'],
  done: [],
  duplicate: ['analysed'],
  skipped: [],
  failed: ['discovered', 'analysed', 'checked'],
};

describe('canMove', () => {
  for (const from of ALL) {
    for (const to of ALLOWED[from]) {
      it(`allows ${from} → ${to}`, () => {
        expect(canMove(from, to)).toBe(true);
      });
    }
  }

  it('allows staying in every state', () => {
    for (const state of ALL) expect(canMove(state, state)).toBe(true);
  });

  it('forbids every move out of done and skipped', () => {
    for (const to of ALL) {
      if (to !== 'done') expect(canMove('done', to)).toBe(false);
      if (to !== 'skipped') expect(canMove('skipped', to)).toBe(false);
    }
  });

  it.each<[FileState, FileState]>([
    ['skipped', 'analysed'],
    ['discovered', 'uploading'],
    ['discovered', 'checked'],
    ['discovered', 'done'],
    ['discovered', 'duplicate'],
    ['analysed', 'uploading'],
    ['analysed', 'done'],
    ['analysed', 'skipped'],
    ['checked', 'analysed'],
    ['checked', 'discovered'],
    ['uploading', 'analysed'],
    ['duplicate', 'done'],
    ['duplicate', 'checked'],
    ['failed', 'uploading'],
    ['failed', 'done'],
  ])('forbids %s → %s', (from, to) => {
    expect(canMove(from, to)).toBe(false);
  });

  it('allows exactly the listed moves', () => {
    for (const from of ALL) {
      const allowed = ALL.filter((to) => to !== from && canMove(from, to));
      expect(allowed.sort()).toEqual([...ALLOWED[from]].sort());
    }
  });
});

describe('moveFile', () => {
  const file = {
    path: 'Drums/Kick 01.wav',
    state: 'discovered' as FileState,
    reason: null as string | null,
  };

  it('returns a new object in the new state with the patch applied', () => {
    const moved = moveFile(file, 'failed', { reason: 'cannot decode wav' });
    expect(moved).toEqual({
      path: 'Drums/Kick 01.wav',
      state: 'failed',
      reason: 'cannot decode wav',
    });
    expect(moved).not.toBe(file);
    expect(file).toEqual({ path: 'Drums/Kick 01.wav', state: 'discovered', reason: null });
  });

  it('lets the target state win over a state in the patch', () => {
    const moved = moveFile(file, 'analysed', { state: 'done' });
    expect(moved.state).toBe('analysed');
  });

  it('moves without a patch', () => {
    expect(moveFile(file, 'skipped')).toEqual({ ...file, state: 'skipped' });
  });

  it('throws IllegalMoveError naming the path and both states', () => {
    const done = { ...file, state: 'done' as FileState };
    let thrown: unknown;
    try {
      moveFile(done, 'uploading', { reason: 'x' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IllegalMoveError);
    const error = thrown as IllegalMoveError;
    expect(error.code).toBe('illegal_move');
    expect(error.message).toContain('Drums/Kick 01.wav');
    expect(error.message).toContain('done');
    expect(error.message).toContain('uploading');
    expect(error.message.indexOf('done')).toBeLessThan(error.message.indexOf('uploading'));
    expect(done.state).toBe('done');
  });

  it('throws for discovered → uploading', () => {
    expect(() => moveFile(file, 'uploading')).toThrow(IllegalMoveError);
  });
});

describe('isFinal', () => {
  it('holds for done, duplicate, skipped and failed only', () => {
    expect(ALL.filter(isFinal).sort()).toEqual(['done', 'duplicate', 'failed', 'skipped']);
    expect([...FINAL_STATES].sort()).toEqual(['done', 'duplicate', 'failed', 'skipped']);
  });

  it.each<FileState>(['discovered', 'analysed', 'checked', 'uploading'])(
    'is false for %s',
    (state) => {
      expect(isFinal(state)).toBe(false);
    },
  );
});
