import { describe, expect, it } from 'vitest';
import { compareScanOrder } from './scan-order.js';

/** Names that sort one way as whole paths and another folder by folder. */
const TRICKY_PATHS = [
  'Kit #2/Snare.wav',
  'Kit/Snare.wav',
  'Kit (1)/Kick.wav',
  'Kit/Kick.wav',
  'Kit/Toms/Tom 1.wav',
  'Kit.wav',
  'Kit/Tom.wav',
];

describe('compareScanOrder', () => {
  it('orders folder by folder, not by whole paths', () => {
    expect([...TRICKY_PATHS].sort(compareScanOrder)).toEqual([
      'Kit/Kick.wav',
      'Kit/Snare.wav',
      'Kit/Tom.wav',
      'Kit/Toms/Tom 1.wav',
      'Kit #2/Snare.wav',
      'Kit (1)/Kick.wav',
      'Kit.wav',
    ]);
  });
});
