import type { CliIO } from './main.js';

/** Placeholder until this command group lands. */
export async function run(_argv: string[], io: CliIO): Promise<number> {
  io.err('not implemented yet');
  return 1;
}
