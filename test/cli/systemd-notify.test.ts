/**
 * systemd readiness: with `NOTIFY_SOCKET` set (as systemd sets it for Type=notify), the service
 * runs `systemd-notify --ready` naming itself as the main process; without it, nothing runs.
 * A stand-in `systemd-notify` first on PATH records how it was called.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { notifyReady } from '../../src/cli/systemd-notify.js';

const dir = await mkdtemp(join(tmpdir(), 'modloader-notify-'));
const record = join(dir, 'calls');
await writeFile(join(dir, 'systemd-notify'), `#!/bin/sh\nprintf '%s|' "$NOTIFY_SOCKET" "$@" >> '${record}'\necho >> '${record}'\n`);
await chmod(join(dir, 'systemd-notify'), 0o755);
afterAll(() => rm(dir, { recursive: true, force: true }));

const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({ PATH: `${dir}:${process.env.PATH}`, ...extra });
const calls = async (): Promise<string[]> => (await readFile(record, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');

describe('notifyReady', () => {
  it('does nothing when not started by systemd', async () => {
    await notifyReady('startup done', pino({ level: 'silent' }), env({}));
    expect(await calls()).toEqual([]);
  });

  it('says READY=1 with the status and this process as the main one', async () => {
    await notifyReady('startup done: 3 running, 0 declined, 0 failed in 0.10 s', pino({ level: 'silent' }), env({ NOTIFY_SOCKET: '/run/test.sock' }));
    expect(await calls()).toEqual([`/run/test.sock|--ready|--pid=${process.pid}|--status=startup done: 3 running, 0 declined, 0 failed in 0.10 s|`]);
  });
});
