/**
 * One measured run for the speed benchmark, in its own process so that its peak memory is
 * its own: `node dist/bench/analyze-run.js DIR WORKERS` prints one JSON object.
 */
import { readFileSync } from 'node:fs';
import { analyzeCommand } from '../cli/src/commands/analyze.js';
import { LineCapture } from './capture-stream.js';

const [dir, workers] = process.argv.slice(2);
if (!dir || !workers) throw new Error('usage: analyze-run DIR WORKERS');
const cpuBefore = process.cpuUsage();
const started = performance.now();
const summary = await analyzeCommand(
  { paths: [dir], json: true, concurrency: Number(workers) },
  new LineCapture(),
  process.stderr,
);
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
// CPU of finished child processes (ffmpeg), in clock ticks of 10 ms: /proc/self/stat fields 16-17.
const stat = readFileSync('/proc/self/stat', 'utf8');
const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
const childCpuMs = (Number(fields[13]) + Number(fields[14])) * 10;
console.log(
  JSON.stringify({
    files: summary.files,
    errors: summary.errors,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000 + childCpuMs,
    childCpuMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
