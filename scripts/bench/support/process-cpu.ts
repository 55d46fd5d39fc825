/**
 * CPU time of processes from /proc, for benchmarks whose wall time the machine's
 * other work makes noisy: CPU spent per unit of work does not grow when the cores
 * are shared, wall time does.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Milliseconds per clock tick of /proc's times (USER_HZ is 100 on Linux). */
const MS_PER_TICK = 10;

interface Times {
  ppid: number;
  /** utime + stime: the process, all its threads. */
  own: number;
  /** cutime + cstime: its children that exited and were waited for. */
  reaped: number;
}

function times(pid: number): Times | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited between the listing and the read
  }
  // After "pid (comm) ": state is field 0, ppid 1, utime 11, stime 12, cutime 13, cstime 14.
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return {
    ppid: Number(fields[1]),
    own: (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK,
    reaped: (Number(fields[13]) + Number(fields[14])) * MS_PER_TICK,
  };
}

/** utime + stime of one process, all its threads, ms. */
export function processCpuMs(pid: number): number {
  const own = times(pid);
  if (!own) throw new Error(`no process ${pid}`);
  return own.own;
}

/**
 * CPU of a process and of all its children, live or exited, ms: a PostgreSQL
 * server's postmaster and its backends (the postmaster waits for each backend
 * that exits, so their CPU stays counted in its cutime).
 */
export function processTreeCpuMs(rootPid: number): number {
  const root = times(rootPid);
  if (!root) throw new Error(`no process ${rootPid}`);
  let total = root.own + root.reaped;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const child = times(Number(name));
    if (child?.ppid === rootPid) total += child.own + child.reaped;
  }
  return total;
}
