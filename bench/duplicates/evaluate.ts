/**
 * `npm run bench:duplicates -- --set DIR [--split dev|validation|all] [--list-errors]
 *  [--json-out FILE] [--dump-fingerprints FILE | --from-dump FILE] [--run-level cli|simulate|none]`:
 * scores the importer's same-sound decisions on a set made by build-set.ts.
 * Always exits 0 (a report); the last line says PASS or FAIL against the targets.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { evaluateSet, type EvaluateOptions } from './evaluate-set.js';
import { formatReport } from './print-report.js';

const USAGE =
  'usage: evaluate --set DIR [--split dev|validation|all] [--list-errors] [--json-out FILE]\n' +
  '                [--dump-fingerprints FILE | --from-dump FILE] [--run-level cli|simulate|none]';

const { values } = parseArgs({
  options: {
    set: { type: 'string' },
    split: { type: 'string', default: 'all' },
    'list-errors': { type: 'boolean', default: false },
    'json-out': { type: 'string' },
    'dump-fingerprints': { type: 'string' },
    'from-dump': { type: 'string' },
    'run-level': { type: 'string', default: 'cli' },
  },
});
const split = values.split;
const runLevel = values['run-level'];
const splitOk = split === 'dev' || split === 'validation' || split === 'all';
const runOk = runLevel === 'cli' || runLevel === 'simulate' || runLevel === 'none';
if ((!values.set && !values['from-dump']) || !splitOk || !runOk) {
  console.error(USAGE);
  process.exit(2);
}
const started = Date.now();
const options: EvaluateOptions = {
  set: values.set ?? values['from-dump'] ?? '.',
  split,
  runLevel,
  ...(values['from-dump'] ? { fromDump: values['from-dump'] } : {}),
  ...(values['dump-fingerprints'] ? { dumpTo: values['dump-fingerprints'] } : {}),
  progress: (done, total) => {
    if (done % 200 === 0 || done === total) console.error(`analysed ${done}/${total}`);
  },
};
try {
  const report = await evaluateSet(options);
  console.log(formatReport(report, values['list-errors']));
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (values['json-out'])
    await writeFile(values['json-out'], `${JSON.stringify(report, null, 1)}\n`);
} catch (error) {
  console.error(`evaluate: ${error instanceof Error ? error.message : String(error)}`);
}
