import { describe, expect, it } from 'vitest';
import { memberFate } from './member-fate.js';

describe('memberFate', () => {
  it('says what will happen while nothing is stored yet', () => {
    expect(memberFate({ state: 'analysed' }, true)).toBe('will be imported');
    expect(memberFate({ state: 'analysed' }, false)).toBe('will be skipped');
    expect(memberFate({ state: 'pending_upload' }, true)).toBe('will be imported');
  });

  it('says what happened once the upload has decided', () => {
    expect(memberFate({ state: 'uploading' }, true)).toBe('uploading');
    expect(memberFate({ state: 'done' }, true)).toBe('imported');
    expect(memberFate({ state: 'duplicate' }, false)).toBe('skipped');
    expect(memberFate({ state: 'duplicate' }, true)).toBe('already in your library');
    expect(memberFate({ state: 'failed' }, true)).toBe('failed');
  });
});
