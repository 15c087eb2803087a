import { describe, expect, it } from 'vitest';
import { liveChange } from './live-change.js';

describe('liveChange', () => {
  it('a file the server stored or found a duplicate of ends so, from any stage before', () => {
    for (const stage of ['analysed', 'pending_upload', 'uploading'] as const) {
      expect(liveChange(stage, { state: 'done', reason: null })).toEqual({ stage: 'done' });
      expect(liveChange(stage, { state: 'duplicate', reason: null })).toEqual({
        stage: 'duplicate',
      });
    }
  });

  it('a file the server failed can be taken back by the job', () => {
    expect(liveChange('uploading', { state: 'failed', reason: 'bad bytes' })).toEqual({
      stage: 'failed',
      reason: 'bad bytes',
      retryable: true,
    });
  });

  it('changes nothing of a file that has ended, nor for an update that ends nothing', () => {
    expect(liveChange('done', { state: 'failed', reason: 'late' })).toBeNull();
    expect(liveChange('failed', { state: 'done', reason: null })).toBeNull();
    expect(liveChange('pending_upload', { state: 'uploading', reason: null })).toBeNull();
    expect(liveChange('pending_upload', { state: 'cancelled', reason: null })).toBeNull();
  });
});
