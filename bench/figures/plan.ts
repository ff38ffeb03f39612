/**
 * Figures 1 and 2: planning a load whose closure is the whole generated graph, through the
 * loader's public API as an operator's dry run costs it (`loader.load(root, {dryRun: true})`:
 * the operation queue, closure walk with provider resolution, ban and cycle checks, the ranked
 * order and the plan it answers with), against a bare Kahn sort of the same resolved graph.
 */
import { Loader } from '../../src/core/loader.js';
import { emptyPolicy } from '../../src/core/policy.js';
import { generateGraph, PLACEHOLDER_CHECKSUM, type BenchGraph } from '../graph/generate-graph.js';
import { kahnOrder } from '../graph/kahn.js';
import { measureOf, pairedRatio, type FigureResult, type Measure } from '../report/figure.js';
import type { BenchContext } from '../support/context.js';
import { progress } from '../support/progress.js';
import { collectGarbage, timeMs } from '../support/stats.js';
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
  return [
    {
      id: 1,
      title: `plan a load whose closure is ${label(smallGraph)}`,
      measured: smallRuns.plan,
      baseline: smallRuns.kahn,
      ratio: pairedRatio(smallRuns.plan, smallRuns.kahn),
      target: { compare: 'at_most', value: 3, unit: '×' },
      notes: [
        `measured: \`loader.load('${smallGraph.root}', {dryRun: true})\` on a Loader holding the generated manifests; ` +
          `baseline: a FIFO Kahn sort (\`bench/graph/kahn.ts\`) of the same graph with providers already resolved, as a Map of name -> dependency names.`,
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
          `For comparison the bare Kahn sort grows ${(largeRuns.kahn.value / smallRuns.kahn.value).toFixed(2)}× over the same step ` +
          `(${largeRuns.kahn.value.toFixed(1)} ms vs ${smallRuns.kahn.value.toFixed(2)} ms).`,
      ],
    },
  ];
}

/**
 * Checks that the plan covers the whole graph, then times the dry-run plan and the bare sort,
 * interleaved, after a warm-up; ms per plan.
 */
async function timePlans(graph: BenchGraph, ctx: BenchContext, label: string): Promise<{ plan: Measure; kahn: Measure }> {
  const loader = new Loader({
    host: trivialHost(),
    scan: { manifests: graph.manifests, binaries: new Map(graph.manifests.map((m) => [m.name, PLACEHOLDER_CHECKSUM])) },
    policy: emptyPolicy(),
  });
  const plan = () => loader.load(graph.root, { dryRun: true });
  const result = await plan();
  const loads = result.plan.filter((s) => s.action === 'load').length;
  if (loads !== graph.manifests.length) throw new Error(`${label}: the plan loads ${loads} modules, expected ${graph.manifests.length}`);
  if (kahnOrder(graph.deps).length !== graph.manifests.length) throw new Error(`${label}: the bare sort lost modules`);
  // Several plans per timed run at small sizes, so each run lasts long enough to time well.
  const inner = Math.max(1, Math.round(100_000 / graph.manifests.length));
  for (let i = 0; i < 2; i += 1) {
    await plan();
    kahnOrder(graph.deps);
  }
  const planRuns: number[] = [];
  const kahnRuns: number[] = [];
  for (let run = 1; run <= ctx.runs; run += 1) {
    collectGarbage();
    kahnRuns.push((await timeMs(() => repeat(inner, () => kahnOrder(graph.deps)))) / inner);
    collectGarbage();
    planRuns.push((await timeMs(() => repeatAsync(inner, plan))) / inner);
    progress(`${label}: run ${run}/${ctx.runs}: plan ${planRuns.at(-1)!.toFixed(2)} ms, bare sort ${kahnRuns.at(-1)!.toFixed(2)} ms`);
  }
  return { plan: measureOf(planRuns, 'ms'), kahn: measureOf(kahnRuns, 'ms') };
}

function repeat(times: number, fn: () => unknown): void {
  for (let i = 0; i < times; i += 1) fn();
}

async function repeatAsync(times: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < times; i += 1) await fn();
}
