import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of processes on this machine, from /proc (Linux): where the cores went during a
 * load — the runtime's own process, DynamoDB Local's JVM, this load generator. Elsewhere
 * `processCpu` answers undefined and a benchmark leaves those rows out.
 */
const ticksPerSecond = 100;

function statOf(pid: number): string[] | undefined {
  try {
    // The command name is in parentheses and may hold spaces: fields are counted after it.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = statOf(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / ticksPerSecond : Number.NaN;
}

/** The direct children of a process whose command name is `name`. */
function childrenNamed(parent: number, name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        return comm === name && Number(statOf(pid)?.[1]) === parent;
      } catch {
        return false;
      }
    });
}

export interface CpuSplit {
  readonly runtime: number;
  readonly dynamodbLocal: number;
  readonly loadGenerator: number;
}

/** Starts counting the CPU of the runtime, its DynamoDB Local and this process; `stop` gives the seconds each used since. */
export function processCpu(runtimePid: number): { stop(): CpuSplit } | undefined {
  if (statOf(runtimePid) === undefined) return undefined;
  const java = childrenNamed(runtimePid, 'java')[0];
  if (java === undefined) return undefined;
  const self = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  const start = { runtime: cpuSeconds(runtimePid), dynamodbLocal: cpuSeconds(java), loadGenerator: self() };
  return {
    stop: () => ({ runtime: cpuSeconds(runtimePid) - start.runtime, dynamodbLocal: cpuSeconds(java) - start.dynamodbLocal, loadGenerator: self() - start.loadGenerator }),
  };
}
