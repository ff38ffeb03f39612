/**
 * Property-based tests of SPEC 6.14: over random module graphs (dependencies, providers with
 * priorities, cycles, admin [uses], a dialplan, bans, faulty modules, optional APIs taken with
 * ctx.use in load() and in onCanuse) and random operation sequences (load, soft and firm unload,
 * holds, channels, releases, reload, hot upgrades, run-time holds, config reloads that change
 * something or only move lines, bans added and lifted, new dialplan steps, some fired
 * concurrently, and a shutdown at the end), after every operation:
 *
 * - `checkInvariants` holds (src/core/invariants.ts: running dependencies, use counts, bans,
 *   registrations, owned users, and a chain to a root for every running module);
 * - no module began stopping while a module that held it (strongly) when the operation started
 *   was still running (SPEC 6.6);
 * - a failed operation left every module it did not try to start exactly as it was (6.3);
 * - a cosmetic config reload planned nothing and touched nobody, a config reload listed every
 *   add_user and release_user, and lifted bans are lifted (6.15);
 * - a dry run's plan is the plan the real operation then carries out (unless a provider declined
 *   or failed, which a dry run cannot know, 6.1).
 *
 * `npm run fuzz` runs the long mode (FUZZ_RUNS=10000).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoaderError } from '../../src/core/errors.js';
import { checkInvariants } from '../../src/core/invariants.js';
import { Loader } from '../../src/core/loader.js';
import { emptyPolicy, type DialplanEntry, type Policy } from '../../src/core/policy.js';
import type { LoaderEvent, OpResult, UserHandle, UserInfo } from '../../src/core/types.js';
import { cosmetic } from './support/cosmetic.js';
import { MemoryHost, type Behaviour, type StubSpec } from './support/memory-host.js';
import { changes, snapshot } from './support/snapshot.js';
import { isStrongHold, stopOrderViolations } from './support/stop-order.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
let sequences = 0;
let operations = 0;
let violations = 0;

interface Scenario {
  specs: StubSpec[];
  policy: Policy;
  ops: Op[];
}

type Simple = { kind: 'load' | 'unload' | 'force' | 'reload' | 'hold' | 'channel' | 'upgrade'; module: number; flag: boolean };
type Op =
  | Simple
  | { kind: 'release' | 'hangup'; pick: number }
  | { kind: 'drop'; pick: number; flag: boolean }
  | { kind: 'policy' | 'ban'; module: number; flag: boolean }
  | { kind: 'use'; module: number; target: number }
  | { kind: 'cosmetic'; shift: number; rotate: number }
  | { kind: 'dialplan'; app: number; flag: boolean }
  | { kind: 'burst'; ops: Array<{ kind: 'load' | 'unload' | 'force' | 'hold'; module: number; flag: boolean }> };

const behaviours: Behaviour[] = ['success', 'success', 'success', 'success', 'success', 'success', 'decline', 'failure', 'throw', 'hang'];
const name = (i: number) => `m${i}`;

const scenario: fc.Arbitrary<Scenario> = fc.integer({ min: 2, max: 12 }).chain((n) => {
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
      fn: fc.integer({ min: 0, max: 4 }).map((x) => x < 3),
      app: fc.integer({ min: 0, max: 2 }).map((x) => x === 0),
      // An optional API (function=f<j>, in [canuse]) taken with ctx.use in load(), in onCanuse, or both.
      optional: fc.option(fc.record({ target: fc.integer({ min: 0, max: n - 1 }), when: fc.constantFrom('load', 'canuse', 'both') }), {
        nil: undefined,
      }),
      // An API it does not declare, taken in onCanuse (a strong hold made at run time).
      grab: fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: undefined }),
    }).map((r) => {
      // Mostly a DAG (dependencies on lower numbers); an occasional back edge makes cycles.
      const deps = r.deps.filter((d) => d < i || (r.cyclic && d !== i));
      const optional = r.optional && r.optional.target !== i ? `function=f${r.optional.target}` : undefined;
      const spec: StubSpec = {
        name: name(i),
        uses: [...deps.map(name), ...(r.usesService !== undefined ? [`service=s${r.usesService}`] : [])],
        provides: [
          ...(r.service !== undefined ? [`service=s${r.service}:${r.priority * 100 + i}`] : []),
          ...(r.fn ? [`function=f${i}`] : []),
          ...(r.app ? [`application=a${i}`] : []),
        ],
        canuse: [...(r.canuse !== undefined ? [name(r.canuse)] : []), ...(optional ? [optional] : [])],
        useInLoad: optional && r.optional!.when !== 'canuse' ? [optional] : [],
        useOnCanuse: [
          ...(optional && r.optional!.when !== 'load' ? [optional] : []),
          ...(r.grab !== undefined && r.grab !== i ? [`function=f${r.grab}`] : []),
        ],
        behaviour: r.behaviour,
        block: r.block,
      };
      return spec;
    });
  const simple = (kind: Simple['kind']) => fc.record({ kind: fc.constant(kind), module: fc.nat(n - 1), flag: fc.boolean() });
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: simple('load') },
    { weight: 3, arbitrary: simple('unload') },
    { weight: 2, arbitrary: simple('force') },
    { weight: 2, arbitrary: simple('hold') },
    { weight: 2, arbitrary: simple('channel') },
    { weight: 1, arbitrary: simple('reload') },
    { weight: 1, arbitrary: simple('upgrade') },
    { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('release' as const, 'hangup' as const), pick: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat(), flag: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('policy' as const, 'ban' as const), module: fc.nat(n - 1), flag: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('use' as const), module: fc.nat(n - 1), target: fc.nat(n - 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cosmetic' as const), shift: fc.integer({ min: 1, max: 5 }), rotate: fc.nat(3) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('dialplan' as const), app: fc.nat(n - 1), flag: fc.boolean() }) },
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
  return fc
    .record({
      specs: fc.tuple(...Array.from({ length: n }, (_, i) => moduleSpec(i))),
      neverload: fc.uniqueArray(fc.nat(n - 1), { maxLength: 2 }),
      adminUse: fc.option(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { nil: undefined }),
      autoload: fc.boolean(),
      // The module that owns extensions.conf (pbx_config), and its dialplan steps' applications.
      dialplanOwner: fc.option(fc.nat(n - 1), { nil: undefined }),
      dialplan: fc.array(fc.nat(n - 1), { maxLength: 3 }),
      load: fc.uniqueArray(fc.nat(n - 1), { maxLength: 2 }),
      loop: fc.option(fc.record({ a: fc.nat(n - 1), b: fc.nat(n - 1), when: fc.constantFrom('load' as const, 'canuse' as const) }), { nil: undefined }),
      rollback: n < 4 ? fc.constant(undefined) : fc.option(fc.uniqueArray(fc.nat(n - 1), { minLength: 4, maxLength: 4 }), { nil: undefined }),
      ops: fc.array(op, { minLength: 1, maxLength: 25 }),
      at: fc.nat(25),
    })
    .map(({ specs, neverload, adminUse, autoload, dialplanOwner, dialplan, load, loop, rollback, ops, at }) => ({
      specs: withMotifs(
        specs.map((s, i) => (i === dialplanOwner ? { ...s, config: ['extensions.conf'] } : s)),
        loop,
        rollback,
      ),
      ops: withMotifOps(ops, at, loop, rollback),
      policy: {
        ...emptyPolicy(),
        autoload,
        load: load.map((i, k) => ({ name: name(i), file: 'modules.conf', line: 5 + k })),
        neverload: neverload.map((i, k) => ({ name: name(i), file: 'modules.conf', line: k + 1 })),
        uses: adminUse ? [{ module: name(adminUse[0]), type: 'module', name: name(adminUse[1]), file: 'modules.conf', line: 9 }] : [],
        dialplan: dialplan.map((app, k) => step(k, app)),
      },
    }));
});

/**
 * The shapes that hid the lifecycle issue's bugs, planted in a random graph:
 * - a loop broken by canuse: `b` uses module `a`; `a` lists b's function in [canuse] and takes
 *   it with ctx.use (in load() or in onCanuse);
 * - the rollback case: `c` lists module `x` in [canuse] and, told x loaded, takes p's function
 *   (undeclared, so a strong hold); `f` uses `x` and throws in load().
 */
function withMotifs(specs: StubSpec[], loop: { a: number; b: number; when: 'load' | 'canuse' } | undefined, rollback: number[] | undefined): StubSpec[] {
  const out = [...specs];
  // Motif modules are plain (no random dependencies or faults), so the shape is reached.
  const plain = (i: number, spec: Omit<StubSpec, 'name'>) => {
    out[i] = { name: name(i), ...spec };
  };
  if (loop && loop.a !== loop.b) {
    const { a, b } = loop;
    const use = `function=f${b}`;
    plain(a, { provides: [`function=f${a}`], canuse: [use], ...(loop.when === 'load' ? { useInLoad: [use] } : { useOnCanuse: [use] }) });
    plain(b, { uses: [name(a)], provides: [`function=f${b}`] });
  }
  if (rollback) {
    const [c, x, p, f] = rollback as [number, number, number, number];
    plain(c, { canuse: [name(x)], useOnCanuse: [`function=f${p}`] });
    plain(x, { provides: [`function=f${x}`] });
    plain(p, { provides: [`function=f${p}`] });
    plain(f, { uses: [name(x)], behaviour: 'throw' });
  }
  return out;
}

/** The operations that exercise the motifs, mixed into the random sequence at `at`. */
function withMotifOps(ops: Op[], at: number, loop: { a: number; b: number } | undefined, rollback: number[] | undefined): Op[] {
  const first: Op[] = [];
  const later: Op[] = [];
  if (loop && loop.a !== loop.b) {
    first.push({ kind: 'load', module: loop.b, flag: false });
    later.push({ kind: 'unload', module: loop.b, flag: at % 2 === 0 });
  }
  if (rollback) {
    first.push({ kind: 'load', module: rollback[0]!, flag: false }, { kind: 'load', module: rollback[2]!, flag: false });
    later.push({ kind: 'load', module: rollback[3]!, flag: at % 3 === 0 });
  }
  const k = at % (ops.length + 1);
  return [...first, ...ops.slice(0, k), ...later, ...ops.slice(k)];
}

function step(k: number, app: number): DialplanEntry {
  return { context: 'fuzz', exten: String(100 + k), priority: '1', app: `a${app}`, file: 'extensions.conf', line: 3 + k };
}

/** Errors an operation may legitimately end with; anything else is a bug. */
const EXPECTED = new Set(['unknown_module', 'user_not_found', 'in_use', 'not_running', 'neverload', 'dependency_cycle', 'unresolved_dependency', 'checksum_mismatch', 'load_failed', 'lib_blocked', 'invalid_request']);

type Outcome = { ok: true; result: OpResult | undefined } | { ok: false; code: string; module: unknown };

async function settle(p: Promise<unknown>): Promise<Outcome> {
  try {
    const result = await p;
    return { ok: true, result: result as OpResult | undefined };
  } catch (err) {
    if (isLoaderError(err) && EXPECTED.has(err.code)) return { ok: false, code: err.code, module: err.details.module };
    throw err;
  }
}

/** Whether `from` holds `to`, directly or through other modules, with strong holds. */
function holdsStrongly(users: UserInfo[], from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const at = stack.pop()!;
    if (at === to) return true;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const u of users) if (u.owner === at && isStrongHold(u)) stack.push(u.module);
  }
  return false;
}

const POLICY_KINDS = new Set(['admin', 'config', 'dialplan']);

/** SPEC 6.15: the plan of a config reload lists every add_user and release_user it made. */
function unlistedUserChanges(before: UserInfo[], after: UserInfo[], plan: OpResult['plan'], running: (name: string) => boolean, restarted: Set<string>, ranBefore: Set<string>): string[] {
  const problems: string[] = [];
  const beforeIds = new Set(before.map((u) => u.id));
  const afterIds = new Set(after.map((u) => u.id));
  const listed = (action: string, u: UserInfo) =>
    plan.some((s) => s.action === action && s.module === u.module && s.user?.kind === u.kind && s.user.holder === u.holder);
  // Users of modules that loaded or stopped in the reload come and go with them (load and stop steps).
  const steady = (u: UserInfo) => u.kind === 'admin' || (u.owner !== undefined && running(u.owner) && ranBefore.has(u.owner) && !restarted.has(u.owner));
  for (const u of after) {
    if (beforeIds.has(u.id) || !POLICY_KINDS.has(u.kind) || !steady(u)) continue;
    if (!listed('add_user', u)) problems.push(`config reload added ${u.kind} ${u.holder} on ${u.module} without an add_user step`);
  }
  for (const u of before) {
    if (afterIds.has(u.id) || !POLICY_KINDS.has(u.kind) || !steady(u)) continue;
    if (!listed('release_user', u)) problems.push(`config reload released ${u.kind} ${u.holder} on ${u.module} without a release_user step`);
  }
  return problems;
}

async function run(s: Scenario): Promise<void> {
  sequences += 1;
  const host = new MemoryHost(s.specs);
  const loader = new Loader({ host, scan: host.scan(), policy: s.policy, loadTimeoutMs: 5 });
  const events: LoaderEvent[] = [];
  loader.subscribe((e) => events.push(e));
  const channels: UserHandle[] = [];
  let extens = s.policy.dialplan.length;
  const fail = (after: string, problems: string[]) => {
    if (problems.length === 0) return;
    violations += problems.length;
    throw new Error(`after ${after}: ${problems.join('; ')}`);
  };
  // Strong holds that would close a loop are left out (a weak one may, that is the point of
  // canuse): nothing could ever stop such a loop holders-first.
  host.useGuard = (holder, api) => {
    const [type, fn] = api.split('=') as [string, string];
    if (loader.manifest(holder).canuse.some((r) => r.type === type && r.name === fn)) return true;
    return !holdsStrongly(loader.users(), `m${fn.slice(1)}`, holder);
  };
  const opKind = (id: string | undefined) => (id ? loader.opLog().find((o) => o.op === id)?.kind : undefined);

  const perform = (op: Exclude<Op, { kind: 'burst' | 'cosmetic' }>): Promise<unknown> => {
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
      case 'use': {
        // A module takes another's API at run time (on a call, in a timer): weak when it lists
        // the API in [canuse], strong otherwise.
        const holder = name(op.module);
        const ctx = host.contexts.get(holder);
        if (op.module === op.target || loader.get(holder).state !== 'running' || !ctx) return Promise.resolve();
        host.tryUse(holder, ctx, `function=f${op.target}`);
        return Promise.resolve();
      }
      case 'drop': {
        // Soft unload of a module the admin holds, or firm unload of a running one.
        const candidates = op.flag ? loader.list({ state: 'running' }) : loader.list().filter((m) => loader.get(m.name).users.some((u) => u.kind === 'admin'));
        const target = candidates[op.pick % Math.max(1, candidates.length)];
        return target ? loader.unload(target.name, { force: op.flag }) : Promise.resolve();
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
      case 'ban': {
        // Add a neverload line for the module, or lift every one it has.
        const policy = loader.policy();
        const others = policy.neverload.filter((e) => e.name !== name(op.module));
        const neverload = op.flag ? [...others, { name: name(op.module), file: 'modules.conf', line: 40 + op.module }] : others;
        return loader.setPolicy({ ...policy, neverload });
      }
      case 'dialplan': {
        // A new step in extensions.conf, or the last one removed.
        const policy = loader.policy();
        const dialplan = op.flag ? [...policy.dialplan, step(extens++, op.app)] : policy.dialplan.slice(0, -1);
        return loader.setPolicy({ ...policy, dialplan });
      }
    }
  };

  /** Runs one step of the sequence and checks everything that must hold after it. */
  const stepThrough = async (label: string, body: () => Promise<Outcome[]>, checks: { failedUnchanged?: boolean } = {}): Promise<Outcome[]> => {
    const usersBefore = loader.users();
    const before = snapshot(loader);
    const seen = events.length;
    const outcomes = await body();
    await loader.idle();
    const trail = events.slice(seen);
    fail(label, checkInvariants(loader));
    fail(label, stopOrderViolations(usersBefore, trail, opKind));
    if (checks.failedUnchanged && outcomes.length === 1 && !outcomes[0]!.ok) {
      // A failed operation leaves every module it did not try to start exactly as it was.
      const tried = new Set(trail.filter((e) => e.event === 'loading').map((e) => e.module));
      const failed = outcomes[0]!;
      const changed = [...changes(before, snapshot(loader))].filter(([m]) => !tried.has(m) && m !== failed.module).map(([, what]) => what);
      fail(`${label} (failed: ${failed.code})`, changed.map((c) => `changed outside the plan: ${c}`));
    }
    return outcomes;
  };

  const once = async (p: () => Promise<unknown>): Promise<Outcome[]> => [await settle(p())];

  await stepThrough('startup', () => once(() => loader.startup()));
  for (const op of s.ops) {
    if (op.kind === 'burst') {
      await stepThrough('burst', () => Promise.all(op.ops.map((o) => settle(perform(o)))));
    } else if (op.kind === 'cosmetic') {
      // SPEC 6.15: comments and blank lines moved, entries reordered: nothing to do.
      operations += 1;
      const before = snapshot(loader);
      const seen = events.length;
      const [outcome] = await stepThrough('cosmetic config reload', () => once(() => loader.setPolicy(cosmetic(loader.policy(), op.shift, op.rotate))));
      const plan = outcome?.ok ? outcome.result?.plan : undefined;
      fail('cosmetic config reload', plan && plan.length > 0 ? [`planned ${JSON.stringify(plan)}`] : []);
      const touched = events.slice(seen).filter((e) => ['user_add', 'user_release', 'loading', 'unloading'].includes(e.event));
      fail('cosmetic config reload', touched.map((e) => `${e.event} ${e.module}`));
      fail('cosmetic config reload', [...changes(before, snapshot(loader)).values()]);
    } else if (op.kind === 'policy' || op.kind === 'ban' || op.kind === 'dialplan') {
      const usersBefore = loader.users();
      const ranBefore = new Set(loader.list({ state: 'running' }).map((m) => m.name));
      const seen = events.length;
      const [outcome] = await stepThrough(op.kind, () => once(() => perform(op)));
      const restarted = new Set(events.slice(seen).filter((e) => e.event === 'unloading').map((e) => e.module ?? ''));
      if (outcome?.ok && outcome.result) {
        const running = (m: string) => loader.has(m) && loader.get(m).state === 'running';
        fail(`${op.kind} config reload`, unlistedUserChanges(usersBefore, loader.users(), outcome.result.plan, running, restarted, ranBefore));
      }
      if (op.kind === 'ban') {
        // Bans added or lifted take effect.
        const wanted = op.flag;
        const banned = loader.policy().neverload.some((e) => e.name === name(op.module));
        fail('ban', banned === wanted ? [] : [`${name(op.module)} is ${banned ? 'still' : 'not'} banned after a reload that ${wanted ? 'bans' : 'lifts'} it`]);
      }
    } else if ((op.kind === 'load' || op.kind === 'unload' || op.kind === 'force') && op.flag) {
      // The dry run's plan is the plan the real operation carries out.
      const target = name(op.module);
      const dry = await settle(op.kind === 'load' ? loader.load(target, { dryRun: true }) : loader.unload(target, { dryRun: true, force: op.kind === 'force' }));
      const [real] = await stepThrough(
        op.kind,
        () => once(() => (op.kind === 'load' ? loader.load(target) : loader.unload(target, { force: op.kind === 'force' }))),
        { failedUnchanged: true },
      );
      const outcome = (o: Outcome | undefined) => (o?.ok ? o.result?.plan : o?.code);
      const realOutcome = outcome(real);
      const faulty = typeof realOutcome === 'string' && ['load_failed', 'checksum_mismatch', 'lib_blocked'].includes(realOutcome);
      const fellBack = Array.isArray(realOutcome) && realOutcome.some((p) => p.action === 'declined' || p.action === 'load_failed');
      if (!faulty && !fellBack) expect(realOutcome).toEqual(outcome(dry));
    } else {
      await stepThrough(op.kind, () => once(() => perform(op)), { failedUnchanged: true });
    }
  }
  // Late-loaded modules and run-time holds, then shutdown: holders stop first.
  await stepThrough('shutdown', () => once(() => loader.shutdown()));
  expect(loader.list().filter((m) => m.state === 'running')).toEqual([]);
}

describe('SPEC 6.14 invariants', () => {
  afterAll(() => {
    console.log(`property runs: ${sequences} operation sequences, ${operations} operations, ${violations} violations`);
  });

  it(`hold after every operation over ${RUNS} random graphs and operation sequences`, async () => {
    await fc.assert(fc.asyncProperty(scenario, run), { numRuns: RUNS });
    expect(sequences).toBeGreaterThanOrEqual(RUNS);
  }, 600_000);
});
