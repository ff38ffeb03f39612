/**
 * Summarizes a V8 CPU profile (`node --cpu-prof` writes them): the functions with the most
 * self time, or with `--inclusive` the most time including what they call (each function
 * counted once per stack). Usage:
 * `node dist/bench/tools/profile-top.js <file.cpuprofile> [--top N] [--inclusive] [--match REGEX]`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const path = url.replace(/^file:\/\//, '');
  const where = path.includes('/node_modules/') ? path.replace(/^.*\/node_modules\//, 'node_modules/') : path.replace(/^.*\/dist\//, 'dist/');
  return `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
}

/** Microseconds per function label: self time, or inclusive time. */
function summarize(profile: Profile, inclusive: boolean): { total: number; rows: Array<[string, number]> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const out = new Map<string, number>();
  if (!inclusive) {
    for (const [id, t] of self) {
      const key = label(byId.get(id)!);
      out.set(key, (out.get(key) ?? 0) + t);
    }
  } else {
    const below = new Map<number, number>();
    const sum = (node: ProfileNode): number => {
      let t = self.get(node.id) ?? 0;
      for (const child of node.children ?? []) t += sum(byId.get(child)!);
      below.set(node.id, t);
      return t;
    };
    const root = profile.nodes[0]!;
    sum(root);
    const onStack = new Set<string>();
    const visit = (node: ProfileNode): void => {
      const key = label(node);
      const first = !onStack.has(key);
      if (first) {
        out.set(key, (out.get(key) ?? 0) + below.get(node.id)!);
        onStack.add(key);
      }
      for (const child of node.children ?? []) visit(byId.get(child)!);
      if (first) onStack.delete(key);
    };
    visit(root);
  }
  return { total, rows: [...out].sort((a, b) => b[1] - a[1]) };
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '30' }, inclusive: { type: 'boolean', default: false }, match: { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) {
    process.stderr.write('usage: profile-top <file.cpuprofile> [--top N] [--inclusive] [--match REGEX]\n');
    process.exitCode = 2;
    return;
  }
  const { total, rows } = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, values.inclusive ?? false);
  const match = values.match ? new RegExp(values.match) : null;
  for (const [key, us] of rows.filter(([k]) => !match || match.test(k)).slice(0, Number(values.top))) {
    process.stdout.write(`${(us / 1000).toFixed(1).padStart(10)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}\n`);
  }
}

main();
