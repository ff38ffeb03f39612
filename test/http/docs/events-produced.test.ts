/**
 * docs/events.md promises events; this test fails when one of them is never produced. A tour of
 * the sample PBX over real HTTP (plus hot install with the real manifest generator, and one
 * fault charged through the loader's public API) is watched over a real websocket from the
 * first event of the boot to the last of the shutdown, and every event the docs' table names
 * must have been streamed at least once. The lifecycle issue's item 6: `dependency_cycle` was
 * documented but never emitted.
 */
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/http/settings.js';
import { generateManifests } from '../../../src/manifest/generate/generate.js';
import { REFUSED_MODULES, moduleSource } from '../support/extra-modules.js';
import { http } from '../support/lifecycle.js';
import { startService, type TestService } from '../support/service.js';
import { openStream, type StreamClient } from '../support/ws-client.js';

let s: TestService;
let stream: StreamClient;
beforeAll(async () => {
  s = await startService({ listen: true, modules: { ...REFUSED_MODULES, 'app_broken.js': moduleSource('Fails to load', [], 'failure') } });
  stream = await openStream(s.url, '?since=0');
});
afterAll(async () => {
  await stream?.close();
  await s?.stop();
});

/** The event names of the loader-event table of docs/events.md (the one headed `| event | fields | when |`). */
async function documentedEvents(): Promise<string[]> {
  const lines = (await readFile(join(packageRoot(), 'docs', 'events.md'), 'utf8')).split('\n');
  const start = lines.findIndex((l) => /^\|\s*event\s*\|\s*fields\s*\|\s*when\s*\|/.test(l));
  expect(start).toBeGreaterThanOrEqual(0);
  const names: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    // The first cell names the events; a parenthesis in it gives a field (`manifest_change` (`stale`)).
    const first = (line.split('|')[1] ?? '').replace(/\([^)]*\)/g, '');
    for (const m of first.matchAll(/`([a-z_]+)`/g)) names.push(m[1]!);
  }
  return names;
}

async function rescan(): Promise<void> {
  const generated = await generateManifests(s.dirs.modules);
  expect(generated.errors).toEqual([]);
  expect((await http(s, 'POST', '/manifests/rescan')).status).toBe(200);
}

describe('docs/events.md', () => {
  it('names only events that the service really streams', async () => {
    const ok = (answer: { status: number }) => expect(answer.status).toBeLessThan(300);
    const refused = (answer: { status: number }) => expect(answer.status).toBe(409);

    // A module chan_sip can use loads: canuse; refusals of every kind.
    ok(await http(s, 'POST', '/modules/res_http_websocket/load'));
    refused(await http(s, 'POST', '/modules/res_timing_dahdi/load')); // declined: no DAHDI hardware
    refused(await http(s, 'POST', '/modules/app_broken/load')); // load_failed
    refused(await http(s, 'POST', '/modules/cyc_a/load')); // dependency_cycle
    refused(await http(s, 'POST', '/modules/app_system/load')); // neverload_refused
    ok(await http(s, 'POST', '/modules/chan_sip/reload'));

    // A load that pulls in dependencies, and its unload: cascade_unload down to them.
    ok(await http(s, 'POST', '/modules/func_periodic_hook/load'));
    ok(await http(s, 'POST', '/modules/func_periodic_hook/unload'));

    // A hold that does not let go at once: dispose_request; then a fault.
    const hold = await http(s, 'POST', '/modules/func_cut/users', { holder: 'ops-tool' });
    ok(hold);
    ok(await http(s, 'POST', '/modules/func_cut/unload', { force: true }));
    ok(await http(s, 'DELETE', `/users/${hold.json.user.id}`));
    ok(await http(s, 'POST', '/modules/func_uri/load'));
    await s.loader.fault('func_uri', new Error('timer callback threw'), { source: 'exception' });

    // Hot install: a new module, a changed one, a binary that no longer matches, a removed one.
    await writeFile(join(s.dirs.modules, 'app_new.js'), moduleSource('Installed while running'));
    await rescan();
    await appendFile(join(s.dirs.modules, 'app_new.js'), '// patched\n');
    await rescan();
    await appendFile(join(s.dirs.modules, 'app_new.js'), '// patched again, manifest not regenerated\n');
    expect((await http(s, 'POST', '/manifests/rescan')).status).toBe(200);
    refused(await http(s, 'POST', '/modules/app_new/load')); // checksum_mismatch
    await rm(join(s.dirs.modules, 'app_new.js'));
    await rm(join(s.dirs.modules, 'app_new.manifest'));
    expect((await http(s, 'POST', '/manifests/rescan')).status).toBe(200);

    // A firm unload of a lib that blocks unloading (block_unload), then the shutdown.
    ok(await http(s, 'POST', '/modules/res_http_websocket/unload', { force: true }));
    await s.close();
    await stream.closed;

    const seen = new Set(stream.messages.map((m) => m.event as string));
    const documented = await documentedEvents();
    expect(documented.length).toBeGreaterThanOrEqual(20);
    expect(documented.filter((name) => !seen.has(name))).toEqual([]);
  });
});
