/**
 * Servers under test run in child processes, so that the load generator (autocannon, the
 * websocket clients) and the server do not share one event loop: on a 2-core machine each gets
 * a core, the same way for the measured service and for its baseline. Parent and child talk
 * over Node's IPC channel with numbered requests.
 */
import { fork, type ChildProcess } from 'node:child_process';

interface Request {
  id: number;
  cmd: string;
  args: Record<string, unknown>;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export interface ChildHandle {
  /** What the child announced when it was ready (e.g. its URL). */
  readonly ready: Record<string, unknown>;
  request<T>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  /** Asks the child to stop, and kills it if it has not exited within 10 s. */
  stop(): Promise<void>;
}

/** Forks `script` with `args` and resolves once it has sent its ready message. */
export function startChild(script: string, args: string[]): Promise<ChildHandle> {
  // BENCH_PROFILE_SERVERS=<dir>: the servers write CPU profiles there (see docs/benchmarks.md).
  const profileDir = process.env['BENCH_PROFILE_SERVERS'];
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  // stdout goes to /dev/null: the service logs there as `modloader serve` does, and a
  // supervisor taking its lines costs the service no more than that.
  const child = fork(script, args, { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const error = new Error(`${script} exited with status ${code}`);
      reject(error);
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
    child.on('message', (message: { ready?: Record<string, unknown>; id?: number; ok?: boolean; value?: unknown; error?: string }) => {
      if (message.ready) {
        resolve(handle(child, message.ready));
        return;
      }
      const waiting = pending.get(message.id!);
      if (!waiting) return;
      pending.delete(message.id!);
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(new Error(`${script}: ${message.error}`));
    });
  });

  function handle(proc: ChildProcess, ready: Record<string, unknown>): ChildHandle {
    return {
      ready,
      request<T>(cmd: string, requestArgs: Record<string, unknown> = {}): Promise<T> {
        const id = ++next;
        return new Promise<T>((res, rej) => {
          pending.set(id, { resolve: res as (v: unknown) => void, reject: rej });
          proc.send({ id, cmd, args: requestArgs } satisfies Request);
        });
      },
      async stop(): Promise<void> {
        if (proc.exitCode !== null) return;
        const exited = new Promise<void>((res) => proc.once('exit', () => res()));
        proc.send({ id: ++next, cmd: 'stop', args: {} } satisfies Request);
        const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      },
    };
  }
}

/**
 * The child's side: answers requests with `handlers`, stops on `stop` (running `onStop`
 * first), and announces `ready` to the parent.
 */
export function serveRequests(
  ready: Record<string, unknown>,
  handlers: Record<string, (args: Record<string, unknown>) => Promise<unknown>>,
  onStop: () => Promise<void>,
): void {
  process.on('message', (message: Request) => {
    if (message.cmd === 'stop') {
      onStop().finally(() => process.exit(0));
      return;
    }
    const handler = handlers[message.cmd];
    const run = handler ? handler(message.args) : Promise.reject(new Error(`unknown command ${message.cmd}`));
    run.then(
      (value) => process.send!({ id: message.id, ok: true, value } satisfies Reply),
      (err: unknown) => process.send!({ id: message.id, ok: false, error: (err as Error)?.message ?? String(err) } satisfies Reply),
    );
  });
  // The parent going away ends the child too.
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready });
}
