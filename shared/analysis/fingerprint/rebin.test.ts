import { describe, expect, it } from 'vitest';
import { MATRIX_BANDS } from './band-matrix.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { compareFingerprints } from './index.js';
import { bytesToDb } from './quantise.js';
import { rebinLevels } from './rebin.js';
import { groove } from './test-arrangements.js';
import { fingerprintOfPcm, RATE } from './test-variants.js';

describe('rebinLevels', () => {
  it('averages power over the longer frames', () => {
    const out = rebinLevels(Float32Array.from([0, -120, -10, -10]), 1, 10, 20);
    expect(out[0]).toBeCloseTo(-3.01, 1);
    expect(out[1]).toBeCloseTo(-10, 5);
  });

  it('lets a fingerprint match itself stored at twice the frame length', () => {
    const fp = fingerprintOfPcm({ samples: groove(RATE, { bars: 2 }), rate: RATE });
    const levels = rebinLevels(
      bytesToDb(base64ToBytes(fp.matrix)),
      MATRIX_BANDS,
      fp.frameMs,
      2 * fp.frameMs,
    );
    const max = Math.max(...levels);
    const bytes = Uint8Array.from(levels, (db) => Math.max(0, 255 + Math.round((db - max) * 2)));
    const coarse = {
      ...fp,
      frameMs: 2 * fp.frameMs,
      frames: levels.length / MATRIX_BANDS,
      matrix: bytesToBase64(bytes),
    };
    expect(compareFingerprints(fp, coarse).sameSound).toBe(true);
    expect(compareFingerprints(coarse, fp).sameSound).toBe(true);
  });
});
