import { describe, expect, it } from 'vitest';
import { classCheck } from './class-check.js';

const at = (degrees: number) => {
  const r = (degrees * Math.PI) / 180;
  return Float32Array.from([Math.cos(r), Math.sin(r)]);
};
const sounds = (label: string, count: number, degrees: number) =>
  Array.from({ length: count }, (_, i) => ({
    file: `${label}-${i}.wav`,
    label,
    source: `${label}/${i}`,
    split: 'validation' as const,
    vector: at(degrees),
  }));

describe('the class check', () => {
  it('scores drum hits and instruments apart, each query among other instruments', () => {
    // Kicks alone; three snares lie a degree from the pianos, so each snare's five nearest are
    // its two fellow snares and three pianos.
    const check = classCheck('validation', [
      ...sounds('kick', 6, 0),
      ...sounds('piano', 6, 90),
      ...sounds('snare', 3, 89),
    ]);
    expect(check.perGroup.instruments).toEqual({ queries: 6, share: 1, mostlyOwn: 1 });
    expect(check.perGroup.drums.queries).toBe(9);
    expect(check.perGroup.drums.share).toBeCloseTo((6 * 5 + 3 * 2) / (9 * 5), 10);
    expect(check.perGroup.drums.mostlyOwn).toBeCloseTo(6 / 9, 10);
    expect(check.perClass.snare).toEqual({ sounds: 3, share: 2 / 5 });
    expect(check.otherInstruments.mostlyOwn).toBeCloseTo(12 / 15, 10);
  });
});
