import { describe, expect, it } from 'vitest';
import { formatBpm } from './format.js';

describe('formatBpm', () => {
  it('shows one decimal at most, as the wizard and the library both do', () => {
    expect(formatBpm(129.99)).toBe('130');
    expect(formatBpm(182.25)).toBe('182.3');
    expect(formatBpm(93.4)).toBe('93.4');
    expect(formatBpm(null)).toBe('');
  });
});
