/**
 * Figures 1 and 2: planning a load whose closure is the whole generated graph, through the
 * loader's public API as an operator's dry run costs it (`loader.load(root, {dryRun: true})`:
 * the operation queue, closure walk with provider resolution, ban and cycle checks, the ranked
 * order and the plan it answers with), against the floor: a Kahn sort of the same resolved
 * graph over integer ids in prebuilt typed arrays (int-kahn.ts). Both are timed in steady
 * state: after a warm-up, no collection forced between runs (a forced full GC makes the next
 * plans pay for rebuilding the young generation, which is not what an operator's plan costs).
 * The name-keyed Kahn sort of a `Map` (kahn.ts, the baseline until the audit of issue 14) is
 * timed too and given in the notes.
 */
import { Loader } from '../../src/core/loader.js';
import { emptyPolicy } from '../../src/core/policy.js';
import { generateGraph, PLACEHOLDER_CHECKSUM, type BenchGraph } from '../graph/generate-graph.js';
import { intGraph, intKahnOrder } from '../graph/int-kahn.js';
import { kahnOrder } from '../graph/kahn.js';
import { measureOf, pairedRatio, type FigureResult, type Measure } from '../report/figure.js';
import type { BenchContext } from '../support/context.js';
import { progress } from '../support/progress.js';
import { timeMs } from '../support/stats.js';
import { trivialHost } from '../support/trivial-host.js';

const EDGES_PER_MODULE = 5;

export async function planFigures(ctx: BenchContext): Promise<FigureResult[]> {
  const small = ctx.quick ? 1_000 : 10_000;
  const large = small * 10;

  progress(`figure 1: generating ${small} modules, ${small * EDGES_PER_MODULE} edges (seed ${ctx.seed})`);
  const smallGraph = generateGraph({ modules: small, edges: small * EDGES_PER_MODULE, seed: ctx.seed });
  const smallRuns = await timePlans(smallGraph, ctx, 'figure 1');

  progress(`figure 2: generating ${large} modules, ${large * EDGES_PER_MODULE} edges (seed ${ctx.seed})`);
  const largeGraph = generateGraph({ modules: large, edges: large * EDGES_PER_MODULE, seed: ctx.seed });
  const largeRuns = await timePlans(largeGraph, ctx, 'figure 2');

  const label = (g: BenchGraph): string => `${g.manifests.length.toLocaleString('en-US')} modules, ${g.edges.toLocaleString('en-US')} edges`;
  const ms = (value: number): string => `${value.toFixed(value < 1 ? 3 : 2)} ms`;
  return [
    {
      id: 1,
      title: `plan a load whose closure is ${label(smallGraph)}`,
      measured: smallRuns.plan,
      baseline: smallRuns.floor,
      ratio: pairedRatio(smallRuns.plan, smallRuns.floor),
      target: { compare: 'at_most', value: 3, unit: '×' },
      notes: [
        `measured: \`loader.load('${smallGraph.root}', {dryRun: true})\` on a Loader holding the generated manifests, in steady state (warmed up, no forced GC); ` +
          `baseline: the floor, a FIFO Kahn sort over integer ids of the same graph with providers already resolved, prebuilt as \`Int32Array\` rows (\`bench/graph/int-kahn.ts\`). ` +
          `The same sort over a Map of name -> dependency names (\`bench/graph/kahn.ts\`) takes ${ms(smallRuns.named.value)} (the plan is ${(smallRuns.plan.value / smallRuns.named.value).toFixed(2)}× that).`,
      ],
    },
    {
      id: 2,
      title: `the same at ${label(largeGraph)}`,
      measured: largeRuns.plan,
      baseline: smallRuns.plan,
      ratio: largeRuns.plan.value / smallRuns.plan.value,
      target: { compare: 'at_most', value: 12, unit: '×' },
      notes: [
        `baseline: figure 1's measured time (10× fewer modules and edges); the ratio is of the two medians, the runs not being side by side. ` +
          `Over the same step the integer-id sort grows ${(largeRuns.floor.value / smallRuns.floor.value).toFixed(2)}× (${ms(largeRuns.floor.value)} vs ${ms(smallRuns.floor.value)}), ` +
          `the name-keyed sort ${(largeRuns.named.value / smallRuns.named.value).toFixed(2)}× (${ms(largeRuns.named.value)} vs ${ms(smallRuns.named.value)}).`,
      ],
    },
  ];
}

/**
 * Checks that the plan covers the whole graph, then times the dry-run plan and the two bare
 * sorts, interleaved, after a warm-up; ms per plan or sort.
 */
async function timePlans(graph: BenchGraph, ctx: BenchContext, label: string): Promise<{ plan: Measure; floor: Measure; named: Measure }> {
  const loader = new Loader({
    host: trivialHost(),
    scan: { manifests: graph.manifests, binaries: new Map(graph.manifests.map((m) => [m.name, PLACEHOLDER_CHECKSUM])) },
    policy: emptyPolicy(),
  });
  const ints = intGraph(graph.deps);
  const plan = () => loader.load(graph.root, { dryRun: true });
  const result = await plan();
  const loads = result.plan.filter((s) => s.action === 'load').length;
  if (loads !== graph.manifests.length) throw new Error(`${label}: the plan loads ${loads} modules, expected ${graph.manifests.length}`);
  if (kahnOrder(graph.deps).length !== graph.manifests.length) throw new Error(`${label}: the bare sort lost modules`);
  if (intKahnOrder(ints).length !== graph.manifests.length) throw new Error(`${label}: the integer sort lost modules`);
  // Several plans per timed run (about 300,000 modules' worth), so each run lasts long enough
  // that a collection falling into it weighs little; the integer sort is some 30 times as
  // fast, so it repeats more.
  const inner = Math.max(2, Math.round(300_000 / graph.manifests.length));
  const floorInner = inner * 10;
  for (let i = 0; i < 5; i += 1) {
    await plan();
    kahnOrder(graph.deps);
    intKahnOrder(ints);
  }
  const planRuns: number[] = [];
  const floorRuns: number[] = [];
  const namedRuns: number[] = [];
  for (let run = 1; run <= ctx.runs; run += 1) {
    floorRuns.push((await timeMs(() => repeat(floorInner, () => intKahnOrder(ints)))) / floorInner);
    planRuns.push((await timeMs(() => repeatAsync(inner, plan))) / inner);
    namedRuns.push((await timeMs(() => repeat(inner, () => kahnOrder(graph.deps)))) / inner);
    progress(
      `${label}: run ${run}/${ctx.runs}: plan ${planRuns.at(-1)!.toFixed(2)} ms, integer sort ${floorRuns.at(-1)!.toFixed(3)} ms, name-keyed sort ${namedRuns.at(-1)!.toFixed(2)} ms`,
    );
  }
  return { plan: measureOf(planRuns, 'ms'), floor: measureOf(floorRuns, 'ms'), named: measureOf(namedRuns, 'ms') };
}
function repeat(times: number, fn: () => unknown): void {
  for (let i = 0; i < times; i += 1) fn();
}

async function repeatAsync(times: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < times; i += 1) await fn();
}
