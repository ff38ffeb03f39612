/** The machine and run a result table was made on. */
import { cpus, platform, release, totalmem } from 'node:os';

export interface RunInfo {
  date: string;
  command: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  mode: 'full' | 'quick';
  runs: number;
  seed: number;
}

export function runInfo(options: { command: string; quick: boolean; runs: number; seed: number }): RunInfo {
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    command: options.command,
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    mode: options.quick ? 'quick' : 'full',
    runs: options.runs,
    seed: options.seed,
  };
}
