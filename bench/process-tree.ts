/**
 * Memory and CPU of a process and everything it started (a browser and its renderers), read
 * from Linux's /proc. Elsewhere every reading is null.
 */
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/PID/stat's times (USER_HZ: 100 on Linux). */
const TICKS_PER_S = 100;

export interface TreeSample {
  /** Processes in the tree at the time of the reading. */
  processes: number;
  /** Sum of VmRSS over the tree, in bytes (a page shared by n processes counts n times). */
  rssBytes: number;
  /** Sum of Pss over the tree, in bytes (a page shared by n processes counts 1/n in each). */
  pssBytes: number;
  /** CPU seconds (user + system) of the tree, with the exited children its processes reaped. */
  cpuS: number;
}

interface Stat {
  ppid: number;
  ticks: number;
}

async function statOf(pid: number): Promise<Stat | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // ppid is field 4; utime, stime, cutime, cstime are fields 14-17.
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return { ppid: Number(f[1]), ticks };
  } catch {
    return null; // exited meanwhile
  }
}

/** VmRSS and, from smaps_rollup, Pss (shared pages split between their users), in bytes. */
async function memoryOf(pid: number): Promise<{ rss: number; pss: number }> {
  const kb = (text: string, field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  const [status, rollup] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''),
    readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => ''),
  ]);
  return { rss: kb(status, 'VmRSS'), pss: kb(rollup, 'Pss') };
}

/** Reads the tree under `root` (root included); null when /proc cannot be read or root is gone. */
export async function sampleTree(root: number): Promise<TreeSample | null> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return null;
  }
  const pids = names.filter((n) => /^\d+$/.test(n)).map(Number);
  const stats = await Promise.all(pids.map(statOf));
  const children = new Map<number, number[]>();
  const byPid = new Map<number, Stat>();
  pids.forEach((pid, i) => {
    const stat = stats[i];
    if (!stat) return;
    byPid.set(pid, stat);
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  });
  if (!byPid.has(root)) return null;
  const tree: number[] = [];
  for (let todo = [root]; todo.length > 0;) {
    const pid = todo.pop()!;
    tree.push(pid);
    todo = todo.concat(children.get(pid) ?? []);
  }
  const memory = await Promise.all(tree.map(memoryOf));
  return {
    processes: tree.length,
    rssBytes: memory.reduce((sum, m) => sum + m.rss, 0),
    pssBytes: memory.reduce((sum, m) => sum + m.pss, 0),
    cpuS: tree.reduce((sum, pid) => sum + byPid.get(pid)!.ticks, 0) / TICKS_PER_S,
  };
}

/** The processes whose parent is `parent`, with their command lines (empty list elsewhere). */
export async function childrenOf(parent: number): Promise<{ pid: number; command: string }[]> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const pids = names.filter((n) => /^\d+$/.test(n)).map(Number);
  const stats = await Promise.all(pids.map(statOf));
  const children = pids.filter((_, i) => stats[i]?.ppid === parent);
  return Promise.all(
    children.map(async (pid) => ({
      pid,
      command: await readFile(`/proc/${pid}/cmdline`, 'utf8')
        .then((c) => c.replaceAll('\0', ' ').trim())
        .catch(() => ''),
    })),
  );
}
