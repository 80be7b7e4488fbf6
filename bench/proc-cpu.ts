/**
 * CPU seconds of a process so far, from /proc/<pid>/stat (Linux; clock ticks of 1/100 s): user + system,
 * and with `children`, the CPU of the children it has waited for (the workers of `jisr ingest --workers`).
 * The fields are read after the command name, which may hold spaces (in parentheses).
 */
import { readFileSync } from "node:fs";

function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

export function cpuSecondsOf(pid: number, options: { children?: boolean } = {}): number {
  const f = statFields(pid);
  const own = Number(f[11]) + Number(f[12]);
  return (options.children ? own + Number(f[13]) + Number(f[14]) : own) / 100;
}

/** Idle CPU seconds of the whole machine so far (all cores), from /proc/stat's first line (idle + iowait). */
export function idleSecondsOfMachine(): number {
  const f = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]?.trim().split(/\s+/) ?? [];
  return (Number(f[4]) + Number(f[5])) / 100;
}

/** Minor page faults of a process so far (pages the kernel had to map in, none read from disk). */
export function minorFaultsOf(pid: number): number {
  return Number(statFields(pid)[7]);
}
