/** How the benchmarks print: figures in the house style, tables, and the machine they ran on. */
import { readFileSync } from 'node:fs';
import { availableParallelism, platform, release, totalmem } from 'node:os';

export const MiB = 2 ** 20;

/** A number with thousands separators and `digits` decimals; '-' for null, NaN or infinity. */
export const fmt = (n: number | null | undefined, digits = 0): string =>
  n !== null && n !== undefined && Number.isFinite(n)
    ? n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '-';

/** Prints a table: the first column left-aligned, the others right-aligned, two spaces apart. */
export function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '  ' +
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

/** A progress note on stderr (stdout holds the report). */
export const note = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

/** One line naming the CPU, cores, memory, OS and Node. */
export function machine(): string {
  let model = 'unknown CPU';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux
  }
  return (
    `machine: ${model.trim()} × ${availableParallelism()} cores, ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, ` +
    `${platform()} ${release()}, Node ${process.version}`
  );
}
