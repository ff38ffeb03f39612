/**
 * Starting a server as a process and timing it as a supervisor sees it: from `spawn` until it
 * is ready — `GET <readyPath>` answers 200 (`/health/ready` for `modloader serve`, whose
 * `/health` answers while startup still runs; `/health` for the bare servers). The server says
 * where it listens on stdout (`listening on http://host:port`, or fastify's `Server listening
 * at http://host:port`, JSON log line or not); its stdout is read to the end as a supervisor
 * would, so a server that logs a lot pays for its writes but never blocks on a full pipe.
 * Stopping sends SIGTERM and times the exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { performance } from 'node:perf_hooks';

const LISTENING = /(?:listening on|Server listening at) (http:\/\/[0-9.]+:\d+)/;

export interface StartedServer {
  url: string;
  /** Milliseconds from spawn until the ready path answered 200. */
  startMs: number;
  /** CPU time the process had used by then (all its threads; Linux only, else NaN), in ms. */
  startCpuMs: number;
  /** The body of that answer. */
  health: Record<string, unknown>;
  /** SIGTERM, then the milliseconds until the process exited. */
  stop(): Promise<number>;
}

export async function startServer(command: string, args: readonly string[], readyPath = '/health', timeoutMs = 120_000): Promise<StartedServer> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let pending = '';
      let found = false;
      const timer = setTimeout(() => reject(new Error(`${args.join(' ')}: no "listening on" within ${timeoutMs} ms`)), timeoutMs);
      child.stdout!.on('data', (chunk: Buffer) => {
        if (found) return;
        pending += chunk.toString('latin1');
        const match = LISTENING.exec(pending);
        if (match) {
          found = true;
          clearTimeout(timer);
          resolve(match[1]!);
        } else pending = pending.slice(-200);
      });
      child.once('error', reject);
      void exited.then((code) => reject(new Error(`${args.join(' ')} exited with status ${code} before listening: ${stderr.trim()}`)));
    });
    const health = await waitHealthy(`${url}${readyPath}`, started + timeoutMs);
    const startMs = performance.now() - started;
    return { url, startMs, startCpuMs: cpuMsOf(child.pid), health, stop: () => stopServer(child, exited) };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

async function waitHealthy(url: string, deadline: number): Promise<Record<string, unknown>> {
  for (;;) {
    const answer = await getHealth(url).catch(() => null);
    if (answer) return answer;
    if (performance.now() > deadline) throw new Error(`${url} did not answer 200 in time`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function stopServer(child: ChildProcess, exited: Promise<number | null>): Promise<number> {
  const started = performance.now();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`the server exited with status ${code} after SIGTERM`);
  return performance.now() - started;
}

/** The JSON body of a 200 answer to GET `url`, or null for another status. */
function getHealth(url: string): Promise<Record<string, unknown> | null> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(response.statusCode === 200 ? (JSON.parse(body) as Record<string, unknown>) : null));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** User + system CPU time of process `pid` so far, from /proc; NaN where there is none. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing paren).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return Number.NaN;
  }
}
