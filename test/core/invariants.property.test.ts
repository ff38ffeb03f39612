/**
 * Property-based tests of SPEC 6.14: over random module graphs (dependencies, providers with
 * priorities, cycles, admin [uses], bans, faulty modules) and random operation sequences (load,
 * soft and firm unload, holds, channels, releases, reload, hot upgrades, config reloads, some
 * fired concurrently), the invariants hold after every operation, and a dry run's plan is the
 * plan the real operation then carries out.
 *
 * `npm run fuzz` runs the long mode (FUZZ_RUNS=10000).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoaderError } from '../../src/core/errors.js';
import { checkInvariants } from '../../src/core/invariants.js';
import { Loader } from '../../src/core/loader.js';
import { emptyPolicy, type Policy } from '../../src/core/policy.js';
import type { UserHandle } from '../../src/core/types.js';
import { MemoryHost, type Behaviour, type StubSpec } from './support/memory-host.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
let sequences = 0;
let operations = 0;

interface Scenario {
  specs: StubSpec[];
  policy: Policy;
  ops: Op[];
}

type Op =
  | { kind: 'load' | 'unload' | 'force' | 'reload' | 'hold' | 'channel' | 'upgrade'; module: number; flag: boolean }
  | { kind: 'release' | 'hangup'; pick: number }
  | { kind: 'policy'; module: number; flag: boolean }
  | { kind: 'burst'; ops: Array<{ kind: 'load' | 'unload' | 'force' | 'hold'; module: number; flag: boolean }> };

const behaviours: Behaviour[] = ['success', 'success', 'success', 'success', 'success', 'success', 'decline', 'failure', 'throw', 'hang'];

const scenario: fc.Arbitrary<Scenario> = fc.integer({ min: 2, max: 12 }).chain((n) => {
  const name = (i: number) => `m${i}`;
  const moduleSpec = (i: number) =>
    fc.record({
      deps: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }),
      cyclic: fc.boolean(),
      service: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
      priority: fc.integer({ min: 0, max: 3 }),
      usesService: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
      behaviour: fc.constantFrom(...behaviours),
      block: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
      canuse: fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: undefined }),
    }).map((r) => {
      // Mostly a DAG (dependencies on lower numbers); an occasional back edge makes cycles.
      const deps = r.deps.filter((d) => d < i || (r.cyclic && d !== i));
      const spec: StubSpec = {
        name: name(i),
        uses: [...deps.map(name), ...(r.usesService !== undefined ? [`service=s${r.usesService}`] : [])],
        provides: r.service !== undefined ? [`service=s${r.service}:${r.priority * 100 + i}`] : [],
        canuse: r.canuse !== undefined ? [name(r.canuse)] : [],
        behaviour: r.behaviour,
        block: r.block,
      };
      return spec;
    });
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('load' as const), module: fc.nat(n - 1), flag: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('unload' as const), module: fc.nat(n - 1), flag: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('force' as const), module: fc.nat(n - 1), flag: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('hold' as const), module: fc.nat(n - 1), flag: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('channel' as const), module: fc.nat(n - 1), flag: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reload' as const), module: fc.nat(n - 1), flag: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('upgrade' as const), module: fc.nat(n - 1), flag: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('release' as const, 'hangup' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('policy' as const), module: fc.nat(n - 1), flag: fc.boolean() }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('burst' as const),
        ops: fc.array(
          fc.record({ kind: fc.constantFrom('load' as const, 'unload' as const, 'force' as const, 'hold' as const), module: fc.nat(n - 1), flag: fc.boolean() }),
          { minLength: 2, maxLength: 6 },
        ),
      }),
    },
  );
  return fc.record({
    specs: fc.tuple(...Array.from({ length: n }, (_, i) => moduleSpec(i))),
    neverload: fc.uniqueArray(fc.nat(n - 1), { maxLength: 2 }),
    adminUse: fc.option(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { nil: undefined }),
    autoload: fc.boolean(),
    ops: fc.array(op, { minLength: 1, maxLength: 25 }),
  }).map(({ specs, neverload, adminUse, autoload, ops }) => ({
    specs,
    ops,
    policy: {
      ...emptyPolicy(),
      autoload,
      neverload: neverload.map((i, k) => ({ name: name(i), file: 'modules.conf', line: k + 1 })),
      uses: adminUse ? [{ module: name(adminUse[0]), type: 'module', name: name(adminUse[1]), file: 'modules.conf', line: 9 }] : [],
    },
  }));
});

/** Errors an operation may legitimately end with; anything else is a bug. */
const EXPECTED = new Set(['unknown_module', 'user_not_found', 'in_use', 'not_running', 'neverload', 'dependency_cycle', 'unresolved_dependency', 'checksum_mismatch', 'load_failed', 'lib_blocked', 'invalid_request']);

async function settle(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (isLoaderError(err) && EXPECTED.has(err.code)) return err.code;
    throw err;
  }
}

async function run(s: Scenario): Promise<void> {
  sequences += 1;
  const host = new MemoryHost(s.specs);
  const loader = new Loader({ host, scan: host.scan(), policy: s.policy, loadTimeoutMs: 5 });
  const channels: UserHandle[] = [];
  const name = (i: number) => `m${i}`;
  const check = (after: string) => {
    const problems = checkInvariants(loader);
    if (problems.length > 0) throw new Error(`after ${after}: ${problems.join('; ')}`);
  };
  const perform = (op: Exclude<Op, { kind: 'burst' }>): Promise<unknown> => {
    operations += 1;
    switch (op.kind) {
      case 'load':
        return loader.load(name(op.module));
      case 'unload':
        return loader.unload(name(op.module));
      case 'force':
        return loader.unload(name(op.module), { force: true });
      case 'reload':
        return loader.reload(name(op.module));
      case 'hold':
        return loader.addUser(name(op.module), { holder: 'prop', cancellable: op.flag });
      case 'channel': {
        const m = loader.get(name(op.module));
        const ctx = host.contexts.get(m.name);
        if (m.state !== 'running' || !ctx) return Promise.resolve();
        const handle: UserHandle = ctx.addUser({ holder: `CH/${channels.length}`, dispose: op.flag ? () => void handle.release() : undefined });
        channels.push(handle);
        return Promise.resolve();
      }
      case 'hangup': {
        const handle = channels[op.pick % Math.max(1, channels.length)];
        return handle ? handle.release() : Promise.resolve();
      }
      case 'release': {
        const holds = loader.users({ kind: 'external' });
        const user = holds[op.pick % Math.max(1, holds.length)];
        return user ? loader.releaseUser(user.id) : Promise.resolve();
      }
      case 'upgrade': {
        const spec = host.specs.get(name(op.module))!;
        host.put({ ...spec, behaviour: op.flag ? 'success' : spec.behaviour });
        return loader.rescan(host.scan());
      }
      case 'policy': {
        const policy = loader.policy();
        const other = name((op.module + 1) % s.specs.length);
        return loader.setPolicy({
          ...policy,
          load: op.flag ? [{ name: name(op.module), file: 'modules.conf', line: 20 }] : [],
          uses: op.flag ? [] : [{ module: name(op.module), type: 'module', name: other, file: 'modules.conf', line: 21 }],
        });
      }
    }
  };

  await settle(loader.startup());
  check('startup');
  for (const op of s.ops) {
    if (op.kind === 'burst') {
      await Promise.all(op.ops.map((o) => settle(perform(o))));
    } else if ((op.kind === 'load' || op.kind === 'unload' || op.kind === 'force') && op.flag) {
      // The dry run's plan is the plan the real operation carries out.
      const target = name(op.module);
      const dry = op.kind === 'load' ? loader.load(target, { dryRun: true }) : loader.unload(target, { dryRun: true, force: op.kind === 'force' });
      const dryOutcome = await dry.then((r) => r.plan, (e: unknown) => (isLoaderError(e) ? e.code : e));
      const real = op.kind === 'load' ? loader.load(target) : loader.unload(target, { force: op.kind === 'force' });
      const realOutcome = await real.then((r) => r.plan, (e: unknown) => (isLoaderError(e) ? e.code : e));
      // A dry run cannot know that a provider will decline; the real run then moves to the next best.
      const fellBack = Array.isArray(realOutcome) && realOutcome.some((s) => s.action === 'declined' || s.action === 'load_failed');
      const faulty = fellBack || (typeof realOutcome === 'string' && ['load_failed', 'checksum_mismatch', 'lib_blocked'].includes(realOutcome));
      if (!faulty) expect(realOutcome).toEqual(dryOutcome);
    } else {
      await settle(perform(op));
    }
    await loader.idle();
    check(op.kind);
  }
  await settle(loader.shutdown());
  await loader.idle();
  check('shutdown');
  expect(loader.list().filter((m) => m.state === 'running')).toEqual([]);
}

describe('SPEC 6.14 invariants', () => {
  afterAll(() => {
    console.log(`property runs: ${sequences} operation sequences, ${operations} operations`);
  });

  it(`hold after every operation over ${RUNS} random graphs and operation sequences`, async () => {
    await fc.assert(fc.asyncProperty(scenario, run), { numRuns: RUNS });
    expect(sequences).toBeGreaterThanOrEqual(RUNS);
  }, 600_000);
});
