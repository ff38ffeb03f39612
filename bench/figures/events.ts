/**
 * Figures 6 and 7: events per second delivered to 100 websocket subscribers of the real
 * service's `GET /events`, the events made by real loader operations (load and unload cycles
 * of a module set whose libs block unloading, so no file is read after the first load and the
 * stream, not the disk, is what is measured), against the fastest raw `ws` server sending the
 * same messages (recorded from the service) to 100 clients: each message framed once, each
 * event-loop turn's frames written to each client in one write. Figure 7: the service with
 * one more subscriber that has stopped reading (its socket paused), in runs long enough for
 * the hub to cut it off, against the same runs without it.
 * Subscribers are minimal websocket clients in this process that count frames without
 * decoding them (ws-clients.ts), each server is in a child process; each run rotates which
 * side goes first.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { generateGraph } from '../graph/generate-graph.js';
import { measureOf, pairedRatio, type FigureResult } from '../report/figure.js';
import { startChild, type ChildHandle } from '../servers/ipc.js';
import type { BenchContext } from '../support/context.js';
import { progress } from '../support/progress.js';
import { median } from '../support/stats.js';
import { writeServiceDirs } from '../support/service-fixture.js';
import { connectStalled, Subscribers } from '../support/ws-clients.js';
import { BARE_CHILD, SERVICE_CHILD } from './http.js';

const SUBSCRIBERS = 100;
const MODULES = 100;
const RUN_TIMEOUT_MS = 180_000;
/** Cycles a stall calibration tries before giving up. */
const MAX_STALL_CYCLES = 400;

/** A module that keeps its lib after it stops, so reloading it needs no file access. */
function blockingSource(name: string): string {
  return `// benchmark module ${name}\nexport function load(ctx) {\n  ctx.blockUnload();\n  return 'success';\n}\n`;
}

export async function eventFigures(ctx: BenchContext): Promise<FigureResult[]> {
  const targetEvents = ctx.quick ? 1_000 : 5_000;
  const runs = ctx.runs;
  const graph = generateGraph({ modules: MODULES, edges: MODULES * 3, seed: ctx.seed });
  const dir = join(ctx.tmpDir, 'events');
  const dirs = await writeServiceDirs(dir, graph.manifests, { autoload: false, source: blockingSource });
  const children: ChildHandle[] = [];
  const open: Array<{ close(): void }> = [];
  try {
    progress(`figures 6-7: starting the service and ${SUBSCRIBERS} subscribers`);
    const service = await startChild(SERVICE_CHILD, [dirs.modulesDir, dirs.configDir]);
    children.push(service);
    const streamUrl = `${String(service.ready['url']).replace(/^http/, 'ws')}/events`;
    const subscribers = await Subscribers.connect(streamUrl, SUBSCRIBERS);
    open.push(subscribers);
    await waitForSubscribers(service, SUBSCRIBERS);

    // Warm-up: one cycle imports every lib and tells how many events a cycle makes.
    const first = await produce(service, subscribers, graph.root, 1);
    const cycles = Math.max(1, Math.round(targetEvents / first.events));
    progress(`figures 6-7: ${first.events} events per load/unload cycle of ${MODULES} modules; ${cycles} cycles per run`);
    const recorder = await record(streamUrl);
    await waitForSubscribers(service, SUBSCRIBERS + 1);
    const recordedRun = await produce(service, subscribers, graph.root, cycles);
    const messages = await recorder.stop(recordedRun.events);
    await waitForSubscribers(service, SUBSCRIBERS);
    if (messages.length !== recordedRun.events) throw new Error(`figures 6-7: recorded ${messages.length} of ${recordedRun.events} messages`);
    const messagesFile = join(dir, 'messages.json');
    await writeFile(messagesFile, JSON.stringify(messages));
    const bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m), 0);

    const fixtures = join(dir, 'fixtures.json');
    await writeFile(fixtures, JSON.stringify({ detail: '{}', list: '{"modules":[]}' }));
    const bare = await startChild(BARE_CHILD, [fixtures]);
    children.push(bare);
    const rawSubscribers = await Subscribers.connect(String(bare.ready['wsUrl']), SUBSCRIBERS);
    open.push(rawSubscribers);
    await waitForSubscribers(bare, SUBSCRIBERS);
    await broadcast(bare, rawSubscribers, messagesFile, messages.length);

    const normal: number[] = [];
    const raw: number[] = [];
    const stalledRuns: number[] = [];
    const unstalledRuns: number[] = [];
    // Per stalled run: the cycle after which the hub had cut the stalled subscriber off, and
    // how many cycles the run made.
    const cutOffAt: number[] = [];
    const stallCycles: number[] = [];
    // Server CPU time per event (µs): what each side costs the server, whatever the clients cost.
    const cpu = { normal: [] as number[], raw: [] as number[], stalled: [] as number[], unstalled: [] as number[] };
    const perEvent = (split: CpuSplit, events: number): number => (split.server * 1000) / events;
    // Figure 7's runs are long (several seconds): quick mode runs them once.
    const stallRuns = ctx.quick ? 1 : runs;
    for (let run = 1; run <= runs; run += 1) {
      const sides: Array<() => Promise<void>> = [
        async () => {
          const r = await produce(service, subscribers, graph.root, cycles);
          normal.push(r.rate);
          cpu.normal.push(perEvent(r.cpu, r.events));
        },
        async () => {
          const r = await broadcast(bare, rawSubscribers, messagesFile, messages.length);
          raw.push(r.rate);
          cpu.raw.push(perEvent(r.cpu, messages.length));
        },
      ];
      if (run <= stallRuns) {
        // The stalled run goes until the hub cuts the stalled subscriber off, then a quarter as
        // long again; the run without it makes as many cycles, right after.
        sides.push(async () => {
          const stalled = await connectStalled(streamUrl);
          await waitForSubscribers(service, SUBSCRIBERS + 1);
          const r = await produce(service, subscribers, graph.root, MAX_STALL_CYCLES, true, async (done) => {
            const count = await service.request<number>('subscribers');
            if (cutOffAt.length === stalledRuns.length && count === SUBSCRIBERS) cutOffAt.push(done);
            const at = cutOffAt[stalledRuns.length];
            return at !== undefined && done >= Math.ceil(at * 1.25);
          });
          if (cutOffAt.length < stalledRuns.length + 1) throw new Error(`figure 7: the stalled subscriber was not cut off in ${MAX_STALL_CYCLES} cycles`);
          stalledRuns.push(r.rate);
          stallCycles.push(r.cycles);
          cpu.stalled.push(perEvent(r.cpu, r.events));
          await closeStalled(stalled, service);
          // The same cycles, asking the same question after each.
          const u = await produce(service, subscribers, graph.root, r.cycles, true, async () => (await service.request<number>('subscribers')) < 0);
          unstalledRuns.push(u.rate);
          cpu.unstalled.push(perEvent(u.cpu, u.events));
        });
      }
      for (let i = 0; i < (run - 1) % sides.length; i += 1) sides.push(sides.shift()!);
      for (const side of sides) await side();
      progress(
        `figures 6-7: run ${run}/${runs}: service ${fmt(normal.at(-1)!)} events/s (${fmt(cpu.normal.at(-1)!)} µs server CPU each), raw ws ${fmt(raw.at(-1)!)} (${fmt(cpu.raw.at(-1)!)} µs)` +
          (run <= stallRuns
            ? `; ${stallCycles.at(-1)} cycles (cut off after ${cutOffAt.at(-1)}) with a stalled subscriber ${fmt(stalledRuns.at(-1)!)} (${fmt(cpu.stalled.at(-1)!)} µs), without ${fmt(unstalledRuns.at(-1)!)} (${fmt(cpu.unstalled.at(-1)!)} µs)`
            : ''),
      );
    }
    const cpuNormal = median(cpu.normal);
    const cpuRaw = median(cpu.raw);
    const cpuStalled = median(cpu.stalled);
    const cpuUnstalled = median(cpu.unstalled);
    const n = measureOf(normal, 'events/s');
    const b = measureOf(raw, 'events/s');
    const s = measureOf(stalledRuns, 'events/s');
    const u = measureOf(unstalledRuns, 'events/s');
    const common =
      `${SUBSCRIBERS} subscribers in the bench process; each run is ${cycles} load/unload cycles of a ${MODULES}-module graph through the service's loader, ` +
      `${recordedRun.events.toLocaleString('en-US')} events (${(bytes / recordedRun.events).toFixed(0)} bytes each on average), timed from the request until every subscriber has all of them.`;
    return [
      {
        id: 6,
        title: `events/s to ${SUBSCRIBERS} websocket subscribers`,
        measured: n,
        baseline: b,
        ratio: pairedRatio(n, b, 100),
        target: { compare: 'at_least', value: 50, unit: '%' },
        notes: [
          `${common} Baseline: a raw \`ws\` server sending the same recorded texts to ${SUBSCRIBERS} clients, 64 messages per event-loop turn, ` +
            `each message framed once and each turn's frames written to each client's socket in one write. ` +
            `Server CPU per event: service ${fmt(cpuNormal)} µs, raw ${fmt(cpuRaw)} µs (by CPU the service reaches ${fmt((100 * cpuRaw) / cpuNormal)}% of the raw rate; ` +
            `the subscribers share the machine, so events/s also reflects them).`,
        ],
      },
      {
        id: 7,
        title: `the same with one more subscriber stalled`,
        measured: s,
        baseline: u,
        ratio: pairedRatio(s, u, 100),
        target: { compare: 'at_least', value: 90, unit: '%' },
        notes: [
          `a ${SUBSCRIBERS + 1}st subscriber connects before the run and pauses its socket (stops reading); each run goes on until the hub has cut it off, then a quarter as long again ` +
            `(cut off after ${cutOffAt.join(', ')} cycles of ${first.events} events: the kernel's socket buffers take a few megabytes before the hub's 4 MiB limit is reached; runs of ${stallCycles.join(', ')} cycles); ` +
            `each cycle is waited for until every subscriber has its events, so the bench's own subscribers never fall behind far enough to be cut off; ` +
            `baseline: as many cycles without the stalled subscriber, right after. ` +
            `Server CPU per event: ${fmt(cpuStalled)} µs with the stalled subscriber, ${fmt(cpuUnstalled)} µs without (${fmt((100 * cpuUnstalled) / cpuStalled)}% by CPU).`,
        ],
      },
    ];
  } finally {
    for (const o of open) o.close();
    for (const child of children) await child.stop();
  }
}

/** CPU time (ms) a run took in the server and in this process (the subscribers). */
interface CpuSplit {
  server: number;
  clients: number;
}

/**
 * Runs `cycles` load/unload cycles in the service and waits until every subscriber has every
 * event. Paced: one cycle at a time, each waited for, so the subscribers (which share this
 * process and the machine) never fall so far behind that the hub cuts them off as slow.
 */
async function produce(
  service: ChildHandle,
  subscribers: Subscribers,
  root: string,
  cycles: number,
  paced = false,
  /** Paced runs only: asked after each cycle (given how many are done) whether to stop early. */
  enough?: (done: number) => Promise<boolean>,
): Promise<{ events: number; cycles: number; rate: number; cpu: CpuSplit }> {
  const cpu = await cpuStart(service);
  const started = performance.now();
  let events = 0;
  let done = 0;
  while (done < cycles) {
    const batch = paced ? 1 : cycles;
    const wait = subscribers.expect();
    const made = (await service.request<{ events: number }>('produce', { root, cycles: batch })).events;
    await wait(made, RUN_TIMEOUT_MS);
    events += made;
    done += batch;
    if (enough && (await enough(done))) break;
  }
  const rate = events / ((performance.now() - started) / 1000);
  return { events, cycles: done, rate, cpu: await cpu() };
}

async function broadcast(bare: ChildHandle, subscribers: Subscribers, file: string, count: number): Promise<{ rate: number; cpu: CpuSplit }> {
  const wait = subscribers.expect();
  const cpu = await cpuStart(bare);
  const started = performance.now();
  await bare.request('broadcast', { file });
  await wait(count, RUN_TIMEOUT_MS);
  const rate = count / ((performance.now() - started) / 1000);
  return { rate, cpu: await cpu() };
}

async function cpuStart(child: ChildHandle): Promise<() => Promise<CpuSplit>> {
  const server = await child.request<number>('cpu');
  const own = process.cpuUsage();
  return async () => {
    const used = process.cpuUsage(own);
    return { server: (await child.request<number>('cpu')) - server, clients: (used.user + used.system) / 1000 };
  };
}

async function waitForSubscribers(child: ChildHandle, count: number): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if ((await child.request<number>('subscribers')) === count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the server never saw ${count} subscribers`);
}

/** A `ws` client that keeps every text it receives (the messages the baseline replays). */
async function record(url: string): Promise<{ stop(count: number): Promise<string[]> }> {
  const socket = new WebSocket(url);
  const texts: string[] = [];
  // Loader events only: the stream's own messages (its first, `hello`; heartbeats) have no seq.
  socket.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    if (typeof (JSON.parse(text) as { seq?: unknown }).seq === 'number') texts.push(text);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    async stop(count) {
      for (let i = 0; i < 1000 && texts.length < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      socket.terminate();
      return texts;
    },
  };
}

async function closeStalled(stalled: { close(): void }, service: ChildHandle): Promise<void> {
  stalled.close();
  for (let i = 0; i < 500; i += 1) {
    if ((await service.request<number>('subscribers')) <= SUBSCRIBERS) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function fmt(rate: number): string {
  return rate.toFixed(0);
}
