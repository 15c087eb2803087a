/** A waveform overview (peak levels 0..1) as a mirrored SVG outline. */
export function Waveform({
  peaks,
  width = 96,
  height = 24,
}: {
  peaks: readonly number[] | null | undefined;
  width?: number;
  height?: number;
}) {
  if (!peaks || peaks.length === 0)
    return <svg className="waveform empty" width={width} height={height} />;
  const mid = height / 2;
  const step = width / Math.max(1, peaks.length - 1);
  const top = peaks.map(
    (p, i) => `${(i * step).toFixed(1)},${(mid - Math.min(1, p) * mid).toFixed(1)}`,
  );
  const bottom = peaks
    .map((p, i) => `${(i * step).toFixed(1)},${(mid + Math.min(1, p) * mid).toFixed(1)}`)
    .reverse();
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
}
