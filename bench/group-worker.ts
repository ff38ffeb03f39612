/**
 * Runs one figure group in a process of its own (the runner forks this once per group), so
 * no group's leftovers (a 100,000-module graph, 80,000 ES module records that Node.js never
 * frees, a big heap that slows every later GC) weigh on the next one's figures.
 * Usage: `node --expose-gc group-worker.js <group index> <context JSON> <result file>`.
 */
import { writeFile } from 'node:fs/promises';
import { GROUPS } from './figures/index.js';
import type { BenchContext } from './support/context.js';

async function main(): Promise<void> {
  const [index, context, resultFile] = process.argv.slice(2);
  const group = GROUPS[Number(index)];
  if (!group || !context || !resultFile) throw new Error('usage: group-worker <group index> <context JSON> <result file>');
  const results = await group.run(JSON.parse(context) as BenchContext);
  await writeFile(resultFile, JSON.stringify(results));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
