import { describe, expect, it } from 'vitest';
import {
  canMove,
  FINAL_STAGES,
  IllegalMoveError,
  isFinal,
  moveFile,
  savedStage,
  stageOfEntry,
  type ImportStage,
} from './stages.js';

const ALL: ImportStage[] = [
  'discovered',
  'analysed',
  'pending_upload',
  'uploading',
  'done',
  'duplicate',
  'skipped',
  'failed',
];

describe('canMove', () => {
  it.each<[string, ImportStage, ImportStage]>([
    ['an analysis finishes', 'discovered', 'analysed'],
    ['a file is not audio', 'discovered', 'skipped'],
    ['a file cannot be decoded', 'discovered', 'failed'],
    ['the server wants the bytes', 'analysed', 'pending_upload'],
    ['the server has the sound', 'analysed', 'duplicate'],
    ['the server refuses its entry', 'analysed', 'failed'],
    ['the file changed on disk before its entry was sent', 'analysed', 'discovered'],
    ['an upload starts', 'pending_upload', 'uploading'],
    ['the server already stored the bytes', 'pending_upload', 'done'],
    ['the server stored the sound from another file meanwhile', 'pending_upload', 'duplicate'],
    ['the server gives up on a file it waited for', 'pending_upload', 'failed'],
    ['an upload is paused or cut off', 'uploading', 'pending_upload'],
    ['the server committed the file', 'uploading', 'done'],
    ['the server found the sound at commit', 'uploading', 'duplicate'],
    ['an upload fails', 'uploading', 'failed'],
    ['the user keeps a duplicate after all', 'duplicate', 'analysed'],
    ['a failed analysis is tried again', 'failed', 'discovered'],
    ['a file refused after its analysis is sent again', 'failed', 'analysed'],
    ['a failed upload is retried', 'failed', 'pending_upload'],
  ])('allows the move when %s: %s → %s', (_, from, to) => {
    expect(canMove(from, to)).toBe(true);
  });

  it('allows staying in every state', () => {
    for (const state of ALL) expect(canMove(state, state)).toBe(true);
  });

  it('forbids every move out of done and skipped', () => {
    for (const to of ALL) {
      if (to !== 'done') expect(canMove('done', to)).toBe(false);
      if (to !== 'skipped') expect(canMove('skipped', to)).toBe(false);
    }
  });

  it.each<[ImportStage, ImportStage]>([
    ['skipped', 'analysed'],
    ['discovered', 'uploading'],
    ['discovered', 'pending_upload'],
    ['discovered', 'done'],
    ['discovered', 'duplicate'],
    ['analysed', 'uploading'],
    ['analysed', 'done'],
    ['analysed', 'skipped'],
    ['pending_upload', 'analysed'],
    ['pending_upload', 'discovered'],
    ['uploading', 'analysed'],
    ['duplicate', 'done'],
    ['duplicate', 'pending_upload'],
    ['failed', 'uploading'],
    ['failed', 'done'],
  ])('forbids %s → %s', (from, to) => {
    expect(canMove(from, to)).toBe(false);
  });
});

describe('moveFile', () => {
  const file = {
    path: 'Drums/Kick 01.wav',
    state: 'discovered' as ImportStage,
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
    const done = { ...file, state: 'done' as ImportStage };
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
    expect([...FINAL_STAGES].sort()).toEqual(['done', 'duplicate', 'failed', 'skipped']);
  });

  it.each<ImportStage>(['discovered', 'analysed', 'pending_upload', 'uploading'])(
    'is false for %s',
    (state) => {
      expect(isFinal(state)).toBe(false);
    },
  );
});

describe('stageOfEntry and savedStage', () => {
  it('maps every server entry state onto a stage of the same name, cancelled onto failed', () => {
    expect(stageOfEntry('pending_upload')).toBe('pending_upload');
    expect(stageOfEntry('uploading')).toBe('uploading');
    expect(stageOfEntry('done')).toBe('done');
    expect(stageOfEntry('duplicate')).toBe('duplicate');
    expect(stageOfEntry('failed')).toBe('failed');
    expect(stageOfEntry('cancelled')).toBe('failed');
  });

  it("reads the earlier names 'checked' (wizard) and 'sent' (CLI) as pending_upload", () => {
    expect(savedStage('checked')).toBe('pending_upload');
    expect(savedStage('sent')).toBe('pending_upload');
    for (const stage of ALL) expect(savedStage(stage)).toBe(stage);
  });
});
