/**
 * The web console in a real browser (Debian's chromium through puppeteer-core) against a real
 * listening service: what an operator does with it, checked against what the API says.
 * Skipped, and said so on the output, where no chromium is installed.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateManifests } from '../../src/manifest/generate/generate.js';
import { startService, type TestService } from '../http/support/service.js';
import { SECRETS, TOKENS_CONF } from '../http/support/tokens.js';
import { type AsteriskService, startAsteriskService } from './support/asterisk-service.js';
import { CHROMIUM, LAST_LOGGED_SEQ, lastLoggedSeq, launchBrowser, nodesIn, openConsole, sayIfSkipped, screenshot, watchSockets, type ConsolePage } from './support/browser.js';

sayIfSkipped('test/console/browser.test.ts');

interface Step {
  module: string;
  action: string;
  user?: { id?: string; kind: string; holder: string };
}

interface Health {
  boot_id: string;
  next_seq: number;
}

async function api<T = any>(base: string, method: string, path: string, body?: object, token?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : null });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The graph's zoom factor (1: labels at their 11 px). */
async function zoom(cp: ConsolePage): Promise<number> {
  const transform = await cp.page.$eval('svg.graph g.viewport', (el) => el.getAttribute('transform') ?? '');
  return Number(/scale\(([\d.]+)\)/.exec(transform)?.[1]);
}

const state = (cp: ConsolePage, name: string): Promise<string | undefined> =>
  cp.page.$eval(`g.node[data-module="${name}"]`, (el) => el.getAttribute('data-state') ?? undefined);

let browser: Browser;
beforeAll(async () => {
  if (CHROMIUM) browser = await launchBrowser();
});
afterAll(async () => browser?.close());

describe.skipIf(!CHROMIUM)('the console on the sample PBX', () => {
  let s: TestService;
  let cp: ConsolePage;
  beforeAll(async () => {
    s = await startService({ listen: true });
    cp = await openConsole(browser, `${s.url}/`);
  });
  afterAll(async () => {
    await cp?.context.close();
    await s?.stop();
  });

  it('shows the running set the API lists, and the event log', async () => {
    const running = (await api<{ modules: Array<{ name: string }> }>(s.url, 'GET', '/modules?state=running')).modules.map((m) => m.name);
    expect(running).toContain('chan_sip');
    expect(await nodesIn(cp.page, 'running')).toEqual([...running].sort());
    const all = (await api<{ modules: unknown[] }>(s.url, 'GET', '/modules')).modules;
    expect(await cp.page.$$eval('g.node', (els) => els.length)).toBe(all.length);
    expect(await cp.page.$eval('#counts', (el) => el.textContent)).toContain(`${running.length} running`);
    await cp.page.waitForSelector('#conn[data-status="live"]');
    // The log starts with the startup's events, chan_sip's load among them.
    await cp.page.waitForSelector('.log-lines li[data-event="load"][data-module="chan_sip"]');
    await screenshot(cp.page, 'console-graph-sample');
  });

  it('opens a module page on a click: users, why chains, dependencies with their origins', async () => {
    await cp.page.click('g.node[data-module="pbx_config"]');
    await cp.page.waitForSelector('.module-page[data-module="pbx_config"]');
    expect(new URL(cp.page.url()).hash).toBe('#/modules/pbx_config');
    const page = await cp.page.$eval('.module-page', (el) => el.textContent ?? '');
    const detail = await api(s.url, 'GET', '/modules/pbx_config');
    const why = await api<{ chains: Array<{ root: { kind: string; holder: string }; path: string[] }> }>(s.url, 'GET', '/modules/pbx_config/why');
    const chains = await cp.page.$$eval('.chains .chain', (els) => els.map((el) => [...el.querySelectorAll('.chip')].map((c) => c.textContent)));
    expect(chains).toEqual(why.chains.map((c) => [`${c.root.kind}: ${c.root.holder}`, ...c.path]));
    for (const dep of detail.dependencies as Array<{ type: string; name: string; origin: { file: string; line?: number } }>) {
      expect(page).toContain(`${dep.type}=${dep.name}`);
      expect(page).toContain(dep.origin.line === undefined ? dep.origin.file : `${dep.origin.file}:${dep.origin.line}`);
    }
    const users = await cp.page.$$eval('table.users tbody tr', (rows) => rows.map((r) => r.getAttribute('data-user')));
    expect(users).toEqual((detail.users as Array<{ id: string }>).map((u) => u.id));
    // The neighbours stay bright, the rest fade.
    expect(await cp.page.$eval('g.node[data-module="pbx_config"]', (el) => el.classList.contains('selected'))).toBe(true);
    await screenshot(cp.page, 'console-module-page');
  });

  it('follows the event stream: a load made elsewhere turns the nodes green', async () => {
    expect(await state(cp, 'func_periodic_hook')).toBe('available');
    const loaded = await api<{ op: string; plan: Step[] }>(s.url, 'POST', '/modules/func_periodic_hook/load', {});
    const started = loaded.plan.filter((st) => st.action === 'load').map((st) => st.module);
    expect(started).toContain('func_cut');
    await Promise.all(started.map((n) => cp.page.waitForSelector(`g.node[data-module="${n}"][data-state="running"]`)));
    const line = await cp.page.waitForSelector(`.log-lines li[data-event="load"][data-module="func_periodic_hook"]`);
    expect(await line!.evaluate((el) => el.textContent)).toContain(`op=${loaded.op}`);
  });

  it('marks a module stale as the core says: from a rescan that finds its binary changed until it loads again', async () => {
    await appendFile(join(s.dirs.modules, 'func_periodic_hook.js'), '\n// patched\n');
    await generateManifests(s.dirs.modules);
    expect((await api<{ rescan: { stale: string[] } }>(s.url, 'POST', '/manifests/rescan', {})).rescan.stale).toEqual(['func_periodic_hook']);
    await cp.page.waitForSelector('g.node[data-module="func_periodic_hook"][data-stale="true"]');
    expect(await cp.page.$eval('g.node[data-module="func_periodic_hook"] title', (el) => el.textContent)).toContain('stale');
    await cp.page.click('g.node[data-module="func_periodic_hook"]');
    const badge = '.module-page[data-module="func_periodic_hook"] h2 .badge.stale';
    await cp.page.waitForSelector(badge);
    expect(await cp.page.$eval(badge, (el) => el.getAttribute('title'))).toContain('unload and load it');
    // Unloaded and loaded again, it runs the binary on disk: the core says it is no longer stale, and so does the page.
    await api(s.url, 'POST', '/modules/func_periodic_hook/unload', {});
    await api(s.url, 'POST', '/modules/func_periodic_hook/load', {});
    await cp.page.waitForSelector('g.node[data-module="func_periodic_hook"][data-state="running"]:not([data-stale])');
    await cp.page.waitForFunction(`!document.querySelector('.module-page[data-module="func_periodic_hook"] .badge.stale')`);
    const summaries = (await api<{ modules: Array<{ name: string; stale: boolean }> }>(s.url, 'GET', '/modules')).modules;
    expect(summaries.find((m) => m.name === 'func_periodic_hook')!.stale).toBe(false);
    expect(await cp.page.$$eval('g.node[data-stale="true"]', (els) => els.length)).toBe(summaries.filter((m) => m.stale).length);
  });

  it('marks a weak hold as the API does: no chain, no dependent, and a soft unload that releases it', async () => {
    await api(s.url, 'POST', '/modules/res_http_websocket/load', {});
    await cp.page.waitForSelector('g.node[data-module="res_http_websocket"][data-state="running"]');
    // Found by name: Enter opens the one module that matches.
    await cp.page.type('#filter', 'res_http_websocket');
    await cp.page.keyboard.press('Enter');
    await cp.page.waitForSelector('.module-page[data-module="res_http_websocket"]');
    await cp.page.click('#filter', { count: 3 });
    await cp.page.keyboard.press('Backspace');
    await cp.page.waitForFunction(`document.querySelector('#match-count').textContent.startsWith(document.querySelectorAll('g.node').length + ' of')`);
    const detail = await api<{ users: Array<{ id: string; holder: string; weak?: boolean }>; dependents: string[] }>(s.url, 'GET', '/modules/res_http_websocket');
    const weak = detail.users.find((u) => u.weak)!;
    expect(weak).toMatchObject({ holder: 'chan_sip', weak: true });
    // chan_sip's hold is there, marked weak; the admin's is not.
    await cp.page.waitForSelector(`table.users tr[data-user="${weak.id}"] .badge.weak`);
    expect(await cp.page.$eval(`table.users tr[data-user="${weak.id}"]`, (el) => el.textContent)).toContain('chan_sip');
    expect(await cp.page.$$eval('table.users .badge.weak', (els) => els.length)).toBe(1);
    // Why: the API's chains, none through chan_sip; dependents: none, as the API says, and why.
    const why = await api<{ chains: Array<{ root: { kind: string; holder: string }; path: string[] }> }>(s.url, 'GET', '/modules/res_http_websocket/why');
    expect(why.chains.flatMap((c) => [c.root.holder, ...c.path])).not.toContain('chan_sip');
    const chains = await cp.page.$$eval('.chains .chain', (els) => els.map((el) => [...el.querySelectorAll('.chip')].map((c) => c.textContent)));
    expect(chains).toEqual(why.chains.map((c) => [`${c.root.kind}: ${c.root.holder}`, ...c.path]));
    expect(detail.dependents).toEqual([]);
    expect(await cp.page.$$eval('.module-page .links a', (els) => els.length)).toBe(0);
    expect(await cp.page.$eval('.module-page .weak-note', (el) => el.textContent)).toMatch(/^chan_sip holds it only weakly/);
    // chan_sip's own page: its canuse resolves to res_http_websocket, held weakly.
    await cp.page.click('.module-page .weak-note a.mod');
    const canuse = '.module-page[data-module="chan_sip"] tr.canuse[data-canuse="module=res_http_websocket"]';
    await cp.page.waitForSelector(canuse);
    expect(await cp.page.$eval(canuse, (el) => el.textContent)).toMatch(/res_http_websocket.*weak/);
    await cp.page.goBack();
    await cp.page.waitForSelector('.module-page[data-module="res_http_websocket"]');

    // A soft unload: the preview shows the plan releasing the weak hold and stopping the module, chan_sip left running.
    await cp.page.click('button[data-action="unload"]');
    await cp.page.waitForSelector('#action-dialog[data-phase="preview"]');
    const expected = await api<{ plan: Step[] }>(s.url, 'POST', '/modules/res_http_websocket/unload', { dry_run: true });
    const shown = await cp.page.$$eval('#action-dialog .plan li', (els) =>
      els.map((el) => ({ module: el.getAttribute('data-module'), action: el.getAttribute('data-action'), weak: el.getAttribute('data-weak') === 'true' })),
    );
    expect(shown).toEqual(expected.plan.map((st) => ({ module: st.module, action: st.action, weak: st.user?.id === weak.id })));
    expect(shown).toContainEqual({ module: 'res_http_websocket', action: 'release_user', weak: true });
    expect(shown).toContainEqual({ module: 'res_http_websocket', action: 'unload', weak: false });
    expect(shown.map((st) => st.module)).not.toContain('chan_sip');
    expect(await cp.page.$eval('#action-dialog .summary', (el) => el.textContent)).toBe('stops 1 module · releases 2 users (1 weak hold)');
    await cp.page.click('#action-dialog button.confirm');
    await cp.page.waitForSelector('#action-dialog[data-phase="done"]');
    await cp.page.click('#action-dialog button.cancel');
    const after = (await api<{ state: string }>(s.url, 'GET', '/modules/res_http_websocket')).state;
    expect(after).not.toBe('running');
    await cp.page.waitForSelector(`g.node[data-module="res_http_websocket"][data-state="${after}"]`);
    expect(await state(cp, 'chan_sip')).toBe('running');
    await cp.page.waitForFunction(`!document.querySelector('.module-page[data-module="res_http_websocket"] .badge.weak')`);
  });

  it('adds an external hold and releases it, each previewed first', async () => {
    await cp.page.click('g.node[data-module="app_dial"]');
    await cp.page.waitForSelector('.module-page[data-module="app_dial"]');
    await cp.page.click('button[data-action="hold"]');
    const holder = await cp.page.waitForSelector('#action-dialog input[name="holder"]');
    expect(await holder!.evaluate((el) => el.value)).toBe('console:local');
    await holder!.click({ count: 3 });
    await holder!.type('ops-window');
    await cp.page.click('#action-dialog input[name="cancellable"]');
    await cp.page.click('#action-dialog button.confirm');
    await cp.page.waitForSelector('#action-dialog[data-phase="preview"] .plan li[data-action="add_user"][data-module="app_dial"]');
    expect((await api<{ users: unknown[] }>(s.url, 'GET', '/users?holder=ops-window')).users).toEqual([]);
    await cp.page.click('#action-dialog button.confirm');
    await cp.page.waitForSelector('#action-dialog[data-phase="done"]');
    await cp.page.click('#action-dialog button.cancel');
    const [hold] = (await api<{ users: Array<{ id: string; kind: string; cancellable?: boolean }> }>(s.url, 'GET', '/users?holder=ops-window')).users;
    expect(hold).toMatchObject({ kind: 'external', cancellable: true });
    const row = await cp.page.waitForSelector(`table.users tr[data-user="${hold!.id}"]`);
    expect(await row!.evaluate((el) => el.textContent)).toContain('cancellable');

    await cp.page.click(`table.users tr[data-user="${hold!.id}"] button[data-action="release"]`);
    await cp.page.waitForSelector('#action-dialog[data-phase="preview"] .plan li[data-action="release_user"]');
    await cp.page.click('#action-dialog button.confirm');
    await cp.page.waitForSelector('#action-dialog[data-phase="done"]');
    await cp.page.click('#action-dialog button.cancel');
    await cp.page.waitForFunction(`!document.querySelector('table.users tr[data-user="${hold!.id}"]')`);
    expect((await api<{ users: unknown[] }>(s.url, 'GET', '/users?holder=ops-window')).users).toEqual([]);
    await cp.page.click('g.node[data-module="pbx_config"]');
    await cp.page.waitForSelector('.module-page[data-module="pbx_config"]');
  });

  it('previews a firm unload, changes nothing until confirmed, then carries it out', async () => {
    await cp.page.click('button[data-action="firm_unload"]');
    await cp.page.waitForSelector('#action-dialog[data-phase="preview"]');
    const expected = await api<{ plan: Step[] }>(s.url, 'POST', '/modules/pbx_config/unload', { force: true, dry_run: true });
    const shown = await cp.page.$$eval('#action-dialog .plan li', (els) =>
      els.map((el) => ({ module: el.getAttribute('data-module'), action: el.getAttribute('data-action') })),
    );
    expect(shown).toEqual(expected.plan.map((st) => ({ module: st.module, action: st.action })));
    const stops = expected.plan.filter((st) => st.action === 'unload' || st.action === 'cascade_unload').map((st) => st.module);
    expect(stops.length).toBeGreaterThan(5);
    expect(await cp.page.$eval('#action-dialog .summary', (el) => el.textContent)).toContain(`stops ${stops.length} modules`);
    // The graph marks what it would touch; nothing has changed yet.
    expect(await cp.page.$$eval('g.node.affected', (els) => els.length)).toBe(new Set(expected.plan.map((st) => st.module)).size);
    expect((await api(s.url, 'GET', '/modules/pbx_config')).state).toBe('running');
    await screenshot(cp.page, 'console-firm-unload-preview');

    await cp.page.click('#action-dialog button.confirm');
    await cp.page.waitForSelector('#action-dialog[data-phase="done"]');
    await Promise.all(stops.map((n) => cp.page.waitForSelector(`g.node[data-module="${n}"]:not([data-state="running"])`)));
    const after = (await api<{ modules: Array<{ name: string; state: string }> }>(s.url, 'GET', '/modules')).modules;
    for (const m of after) expect(await state(cp, m.name), m.name).toBe(m.state);
    await cp.page.waitForSelector('.log-lines li[data-event="cascade_unload"]');
    await cp.page.click('#action-dialog button.cancel');
    // The dialog's close event comes a moment later, and with it the marks go.
    await cp.page.waitForFunction(`document.querySelectorAll('g.node.affected').length === 0`);
    await cp.page.waitForSelector('.module-page[data-module="pbx_config"][data-state="available"]');
  });

  it('resumes after the service restarts: tells it by the boot id, says so, and shows the new state', async () => {
    const sockets = await watchSockets(cp.page);
    const before = (await api<Health>(s.url, 'GET', '/health')).boot_id;
    const port = Number(new URL(s.url).port);
    await s.stop();
    await cp.page.waitForSelector('#conn[data-status="down"]');
    s = await startService({ listen: true, port });
    const after = (await api<Health>(s.url, 'GET', '/health')).boot_id;
    expect(after).not.toBe(before);
    await cp.page.waitForSelector('#notice:not([hidden])');
    expect(await cp.page.$eval('#notice .text', (el) => el.textContent)).toMatch(/^The service restarted .*: the page reloaded its state\.$/);
    const note = await cp.page.$eval('.log-lines li[data-note="restart"]', (el) => el.textContent ?? '');
    expect(note).toContain(`boot ${before} ended, this is boot ${after}`);
    // It resumed with the seq it had (the old run's last: it saw the shutdown) and the boot that seq belongs to.
    const resumed = sockets.filter((url) => url.searchParams.has('since')).at(-1)!;
    expect(resumed.searchParams.get('boot')).toBe(before);
    expect(note).toContain(`events up to its shutdown (#${resumed.searchParams.get('since')})`);
    await cp.page.waitForSelector('#conn[data-status="live"]');
    // The new run's events follow the note, from its #1.
    await cp.page.waitForSelector('.log-lines li[data-note="restart"] ~ li[data-seq="1"]');
    // A fresh start runs the sample's set again: the page reloaded it, not just the events.
    await cp.page.waitForSelector('g.node[data-module="pbx_config"][data-state="running"]');
    const running = (await api<{ modules: Array<{ name: string }> }>(s.url, 'GET', '/modules?state=running')).modules.map((m) => m.name);
    expect(await nodesIn(cp.page, 'running')).toEqual([...running].sort());
    await cp.page.click('#notice .dismiss');
    expect(await cp.page.$eval('#notice', (el) => el.hidden)).toBe(true);
    // The stop drops what was in flight: a refused or reset connection, or a request answered
    // 503 shutting_down while the old run unloads, is what a restart looks like.
    const expected = ['WebSocket', 'ERR_CONNECTION_REFUSED', 'ERR_CONNECTION_RESET', 'status of 503', 'shutting down'];
    expect(cp.errors.filter((e) => !expected.some((x) => e.includes(x)))).toEqual([]);
  });
});

describe.skipIf(!CHROMIUM)('the console when its stream drops', () => {
  let s: TestService;
  let cp: ConsolePage;
  beforeAll(async () => {
    // A short history, so what happens while the page is away is soon no longer held.
    s = await startService({ listen: true, history: 30 });
    cp = await openConsole(browser, `${s.url}/`);
  });
  afterAll(async () => {
    await cp?.context.close();
    await s?.stop();
  });

  it('says which events it missed and reloads the state', async () => {
    await cp.page.waitForSelector('#conn[data-status="live"]');
    // The backlog it asked for at first is longer than the history: only the log is shorter.
    await cp.page.waitForSelector('.log-lines li[data-note="log_start"]');
    await cp.page.waitForSelector('.log-lines li[data-note="live"]');
    expect(await cp.page.$eval('#notice', (el) => el.hidden)).toBe(true);
    const seen = await cp.page.$$eval('.log-lines li[data-seq]', (els) => els.map((el) => Number(el.getAttribute('data-seq'))));
    const lastSeen = Math.max(...seen);
    expect(lastSeen + 1).toBe((await api<{ next_seq: number }>(s.url, 'GET', '/health')).next_seq);

    // The network goes (the browser cannot reconnect), the service drops the stream, and
    // meanwhile another client firm-unloads pbx_config: far more than 30 events.
    await cp.page.setOfflineMode(true);
    for (const client of s.app.websocketServer.clients) client.terminate();
    await cp.page.waitForSelector('#conn[data-status="down"]');
    await api(s.url, 'POST', '/modules/pbx_config/unload', { force: true });
    await cp.page.setOfflineMode(false);

    await cp.page.waitForSelector('#notice:not([hidden])');
    expect(await cp.page.$eval('#notice .text', (el) => el.textContent)).toMatch(new RegExp(`^Missed events #${lastSeen + 1}–#\\d+: the service no longer holds them`));
    await cp.page.waitForSelector('.log-lines li[data-note="gap"]');
    await cp.page.waitForSelector('#conn[data-status="live"]');
    await cp.page.waitForSelector('g.node[data-module="pbx_config"][data-state="available"]');
    const modules = (await api<{ modules: Array<{ name: string; state: string }> }>(s.url, 'GET', '/modules')).modules;
    for (const m of modules) expect(await state(cp, m.name), m.name).toBe(m.state);
    expect(cp.errors.filter((e) => !e.includes('WebSocket') && !e.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });

  it('notices a restart that seqs alone would hide: the new run went past the last seq it saw', async () => {
    await cp.page.waitForSelector('#conn[data-status="live"]');
    const sockets = await watchSockets(cp.page);
    const before = await api<Health>(s.url, 'GET', '/health');
    // The log shows every event so far (lines are added once per frame).
    await cp.page.waitForFunction(`${LAST_LOGGED_SEQ} === ${before.next_seq - 1}`);
    const lastSeen = await lastLoggedSeq(cp.page);
    expect(await state(cp, 'pbx_config')).toBe('available');

    // While the page is away the service restarts, and its new run does more than the page had
    // seen: `since=<last seq>` alone would look like a plain resume.
    await cp.page.setOfflineMode(true);
    for (const client of s.app.websocketServer.clients) client.terminate();
    await cp.page.waitForSelector('#conn[data-status="down"]');
    const port = Number(new URL(s.url).port);
    await s.stop();
    s = await startService({ listen: true, port });
    for (let round = 0; round < 10 && (await api<Health>(s.url, 'GET', '/health')).next_seq <= lastSeen + 1; round++) {
      await api(s.url, 'POST', '/modules/pbx_config/unload', { force: true });
      await api(s.url, 'POST', '/modules/pbx_config/load', {});
    }
    const after = await api<Health>(s.url, 'GET', '/health');
    expect(after.next_seq).toBeGreaterThan(lastSeen + 1);
    await cp.page.setOfflineMode(false);

    await cp.page.waitForSelector('.log-lines li[data-note="restart"]');
    const resumed = sockets.filter((url) => url.searchParams.has('since')).at(-1)!;
    expect(Object.fromEntries(resumed.searchParams)).toEqual({ since: String(lastSeen), boot: before.boot_id });
    expect(await cp.page.$eval('#notice .text', (el) => el.textContent)).toContain('The service restarted');
    expect(await cp.page.$eval('.log-lines li[data-note="restart"]', (el) => el.textContent)).toContain(
      `boot ${before.boot_id} ended, this is boot ${after.boot_id}, numbering its events from #1 again. Its events after #${lastSeen}, if any, are gone.`,
    );
    await cp.page.waitForSelector('#conn[data-status="live"]');
    // The new run's events are replayed after the note, all of them; its state is shown.
    await cp.page.waitForSelector(`.log-lines li[data-note="restart"] ~ li[data-seq="${after.next_seq - 1}"]`);
    await cp.page.waitForSelector('g.node[data-module="pbx_config"][data-state="running"]');
    const modules = (await api<{ modules: Array<{ name: string; state: string }> }>(s.url, 'GET', '/modules')).modules;
    for (const m of modules) expect(await state(cp, m.name), m.name).toBe(m.state);
    expect(cp.errors.filter((e) => !e.includes('WebSocket') && !e.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });
});

describe.skipIf(!CHROMIUM)('the console with tokens', () => {
  let s: TestService;
  beforeAll(async () => {
    s = await startService({ config: { 'tokens.conf': TOKENS_CONF }, listen: true });
  });
  afterAll(async () => s?.stop());

  async function signIn(secret: string): Promise<ConsolePage> {
    const cp = await openConsole(browser, `${s.url}/console#/modules/chan_sip`, { ready: false });
    await cp.page.waitForSelector('#token-dialog[open] #token-input');
    await cp.page.type('#token-input', secret);
    await cp.page.keyboard.press('Enter');
    await cp.page.waitForSelector('body[data-ready="true"]');
    await cp.page.waitForSelector('.module-page[data-module="chan_sip"] h2');
    return cp;
  }

  it('asks for a token, refuses a wrong one, and shows a read-only token no action', async () => {
    const cp = await openConsole(browser, `${s.url}/console`, { ready: false });
    await cp.page.waitForSelector('#token-dialog[open] #token-input');
    await cp.page.type('#token-input', 'not-a-secret-of-this-service');
    await cp.page.keyboard.press('Enter');
    const refused = await cp.page.waitForSelector('#token-dialog[open] .token-message[data-reason="rejected"]');
    expect(await refused!.evaluate((el) => el.textContent)).toContain('not accepted');
    await cp.context.close();

    const reader = await signIn(SECRETS.read);
    expect(await reader.page.$eval('#identity', (el) => el.textContent)).toBe('viewer (read)');
    expect(await reader.page.$$('[data-action]')).toHaveLength(0);
    expect(await reader.page.$eval('.module-page .actions', (el) => el.textContent)).toContain('Read-only');
    // The stream is authenticated too (?token=): the log fills.
    await reader.page.waitForSelector('#conn[data-status="live"]');
    await reader.page.waitForSelector('.log-lines li[data-event="load"]');
    expect(reader.errors.filter((e) => !e.includes('401'))).toEqual([]);
    await reader.context.close();
  });

  it('shows an operator the actions of operate, and an admin the firm unload too', async () => {
    const operator = await signIn(SECRETS.operate);
    const operate = await operator.page.$$eval('.module-page [data-action]', (els) => els.map((el) => el.getAttribute('data-action')));
    expect(operate).toEqual(['load', 'unload', 'reload', 'hold']);
    await operator.context.close();

    const admin = await signIn(SECRETS.admin);
    const all = await admin.page.$$eval('.module-page [data-action]', (els) => els.map((el) => el.getAttribute('data-action')));
    expect(all).toEqual(['load', 'unload', 'firm_unload', 'reload', 'hold']);
    // The one 401 is the page's first whoami, before it asked for the token.
    expect(admin.errors.filter((e) => !e.includes('401'))).toEqual([]);
    await admin.context.close();
  });
});

describe.skipIf(!CHROMIUM)('the console on the real Asterisk set', () => {
  let s: AsteriskService;
  let cp: ConsolePage;
  beforeAll(async () => {
    s = await startAsteriskService();
    cp = await openConsole(browser, `${s.url}/`);
  }, 60_000);
  afterAll(async () => {
    await cp?.context.close();
    await s?.stop();
  });

  it('draws every module with its state, no two boxes overlapping', async () => {
    const modules = (await api<{ modules: Array<{ name: string; state: string }> }>(s.url, 'GET', '/modules')).modules;
    expect(modules.length).toBeGreaterThan(380);
    const shown = await cp.page.$$eval('g.node', (els) =>
      els.map((el) => {
        const box = el.getBBox();
        const [, x, y] = /translate\(([-\d.]+),([-\d.]+)\)/.exec(el.getAttribute('transform') ?? '') ?? [];
        return { name: el.getAttribute('data-module'), state: el.getAttribute('data-state'), x: Number(x), y: Number(y), w: box.width, h: box.height };
      }),
    );
    expect(new Map(shown.map((n) => [n.name, n.state]))).toEqual(new Map(modules.map((m) => [m.name, m.state])));
    expect(new Set(shown.map((n) => n.state))).toEqual(new Set(['running', 'available', 'declined']));
    const overlaps = shown.flatMap((a, i) =>
      shown.slice(i + 1).filter((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).map((b) => `${a.name}/${b.name}`),
    );
    expect(overlaps).toEqual([]);
    await screenshot(cp.page, 'console-graph-asterisk');
  });

  it('finds modules by name, draws just them in focus, and opens one: res_pjsip and its users', async () => {
    await cp.page.type('#filter', 'pjsip');
    const matching = (await api<{ modules: Array<{ name: string }> }>(s.url, 'GET', '/modules?like=pjsip')).modules.map((m) => m.name);
    await cp.page.waitForFunction(`document.querySelector('#match-count').textContent.startsWith('${matching.length} of')`);
    expect(await cp.page.$$eval('g.node:not(.dim)', (els) => els.length)).toBe(matching.length);
    // Focus: only the matches are drawn, laid out on their own, big enough to read.
    await cp.page.click('#focus');
    await cp.page.waitForFunction(`document.querySelectorAll('g.node').length === ${matching.length}`);
    expect(await cp.page.$$eval('g.node', (els) => els.map((el) => el.getAttribute('data-module')).sort())).toEqual([...matching].sort());
    expect(await zoom(cp)).toBeGreaterThanOrEqual(0.6);
    await screenshot(cp.page, 'console-graph-asterisk-focus');

    await cp.page.click('g.node[data-module="res_pjsip"]');
    await cp.page.waitForSelector('.module-page[data-module="res_pjsip"]');
    const detail = await api<{ dependents: string[] }>(s.url, 'GET', '/modules/res_pjsip');
    expect(detail.dependents.length).toBeGreaterThan(40);
    const links = await cp.page.$$eval('.module-page .links a', (els) => els.map((el) => el.textContent));
    expect(links).toEqual(detail.dependents);
    // Focused on res_pjsip: its family is drawn, its users among them.
    await cp.page.waitForFunction(`document.querySelector('#match-count').textContent.includes('res_pjsip and its family')`);
    const drawn = await cp.page.$$eval('g.node', (els) => els.map((el) => el.getAttribute('data-module')));
    expect(drawn).toEqual(expect.arrayContaining(detail.dependents));
    expect(cp.errors).toEqual([]);
  });
});
