import { describe, expect, it } from 'vitest';
import { uploadPace } from './upload-pace.js';

describe('uploadPace', () => {
  const MB = 1024 * 1024;
  it('divides what is left by the bytes a second since the uploads started', () => {
    // 20 MB in 10 s: 2 MB a second, 80 MB left
    expect(uploadPace({ at: 0, sent: 0 }, 10_000, 20 * MB, 100 * MB)).toEqual({
      bytesPerS: 2 * MB,
      etaS: 40,
    });
    // counted from where they went on (after a pause), not from the first byte
    expect(uploadPace({ at: 50_000, sent: 60 * MB }, 60_000, 80 * MB, 100 * MB)?.etaS).toBe(10);
  });

  it('gives no pace while there is none to go by', () => {
    expect(uploadPace(null, 10_000, 20 * MB, 100 * MB)).toBeNull();
    // one second in
    expect(uploadPace({ at: 0, sent: 0 }, 1_000, 5 * MB, 100 * MB)).toBeNull();
    // nothing sent since the start
    expect(uploadPace({ at: 0, sent: 20 * MB }, 10_000, 20 * MB, 100 * MB)).toBeNull();
    // 1 MB of 100 in 10 s: the creation requests and a slow start
    expect(uploadPace({ at: 0, sent: 0 }, 10_000, 1 * MB, 100 * MB)).toBeNull();
  });
});
