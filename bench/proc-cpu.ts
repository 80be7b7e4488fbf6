/**
 * CPU seconds of a process so far, from /proc/<pid>/stat (Linux; clock ticks of 1/100 s): user + system,
 * and with `children`, the CPU of the children it has waited for (the workers of `jisr ingest --workers`).
 * The fields are read after the command name, which may hold spaces (in parentheses).
 */
import { readFileSync } from "node:fs";

export function cpuSecondsOf(pid: number, options: { children?: boolean } = {}): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const own = Number(f[11]) + Number(f[12]);
  return (options.children ? own + Number(f[13]) + Number(f[14]) : own) / 100;
}

/** Idle CPU seconds of the whole machine so far (all cores), from /proc/stat's first line (idle + iowait). */
export function idleSecondsOfMachine(): number {
  const f = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]?.trim().split(/\s+/) ?? [];
  return (Number(f[4]) + Number(f[5])) / 100;
}
