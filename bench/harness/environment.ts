import { cpus, loadavg, platform, arch } from 'node:os';

/** What the numbers depend on besides the code: the machine, Node, and how busy the machine was. */
export interface Environment {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cpuCount: number;
  /** 1-minute load average when the run started and when it ended (0 on Windows). */
  readonly loadAverageAtStart: number;
  loadAverageAtEnd: number;
}

export function describeEnvironment(): Environment {
  const processors = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${platform()} ${arch()}`,
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cpuCount: processors.length,
    loadAverageAtStart: loadavg()[0],
    loadAverageAtEnd: Number.NaN,
  };
}
