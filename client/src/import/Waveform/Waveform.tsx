import { memo } from 'react';

/** Peaks reduced to at most `points` values, each the largest of its span. */
function reduce(peaks: readonly number[], points: number): number[] {
  if (peaks.length <= points) return [...peaks];
  const out: number[] = [];
  for (let i = 0; i < points; i++) {
    const from = Math.floor((i * peaks.length) / points);
    const to = Math.floor(((i + 1) * peaks.length) / points);
    let max = 0;
    for (let j = from; j < to; j++) max = Math.max(max, peaks[j]!);
    out.push(max);
  }
  return out;
}

/**
 * A waveform overview (peak levels 0..1) as a mirrored SVG outline, with at most one point per
 * two pixels. Memoised: a table row re-renders it only when its peaks change.
 */
export const Waveform = memo(function Waveform({
  peaks,
  width = 96,
  height = 24,
}: {
  peaks: readonly number[] | null | undefined;
  width?: number;
  height?: number;
}) {
  if (!peaks || peaks.length === 0) {
    return <svg className="waveform empty" width={width} height={height} />;
  }
  const shown = reduce(peaks, Math.max(2, Math.floor(width / 2)));
  const mid = height / 2;
  const step = width / Math.max(1, shown.length - 1);
  const at = (p: number, i: number, sign: number) =>
    `${(i * step).toFixed(1)},${(mid - sign * Math.min(1, p) * mid).toFixed(1)}`;
  const top = shown.map((p, i) => at(p, i, 1));
  const bottom = shown.map((p, i) => at(p, i, -1)).reverse();
  return (
    <svg
      className="waveform"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      aria-hidden="true"
    >
      <polygon points={[...top, ...bottom].join(' ')} />
    </svg>
  );
});
