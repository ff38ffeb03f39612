/**
 * The web console: signs in, draws the graph from `GET /graph`, follows the event stream
 * (states change as events arrive; after a drop it resumes with `since=` and says what was
 * missed), and shows a module's page with its actions when one is chosen (`#/modules/<name>`).
 */
import { ActionDialog } from './actions.js';
import { Api, ApiError } from './api.js';
import { signIn, signOut } from './auth.js';
import { Debounced } from './debounced.js';
import { byId, h } from './dom.js';
import { EventLog } from './event-log.js';
import { GraphPane } from './graph-pane.js';
import { followEvents } from './live.js';
import { Model } from './model.js';
import { ModulePanel } from './module-page.js';
import { attention } from './overview.js';
import type { Graph, Health, Whoami } from './types.js';

/** How many past events the log starts with. */
const BACKLOG = 300;

function describeIdentity(me: Whoami): string {
  return me.tokens_enabled ? `${me.client} (${me.role})` : `local ${me.role} (no tokens: loopback only)`;
}

async function boot(): Promise<void> {
  const api = new Api();
  const me = await signIn(api, byId<HTMLDialogElement>('token-dialog'));
  byId('identity').textContent = describeIdentity(me);
  document.body.dataset.role = me.role;
  const signOutButton = byId<HTMLButtonElement>('sign-out');
  signOutButton.hidden = !me.tokens_enabled;
  signOutButton.onclick = () => {
    signOut();
    location.reload();
  };

  const model = new Model();
  const log = new EventLog(byId('log'));
  const graph = new GraphPane(model, (name) => navigate(name));
  const actions = new ActionDialog(byId<HTMLDialogElement>('action-dialog'), {
    api,
    mark: (names) => graph.mark(names),
    done: () => {
      resync.request();
      panelRefresh.request();
    },
  });
  const panel = new ModulePanel(byId('module'), {
    api,
    actions,
    edges: () => model.edges,
    role: () => me.role,
    holder: () => `console:${me.client}`,
    overview: () => attention(model),
  });
  const panelRefresh = new Debounced(async () => (panel.current ? panel.refresh() : panel.empty()), 150);

  const showCounts = (): void => {
    const counts = model.counts();
    const parts = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([state, n]) => `${n} ${state}`);
    byId('counts').textContent = `${model.nodes.size} modules: ${parts.join(' · ')}`;
  };
  const loadGraph = async (): Promise<void> => {
    graph.update(await api.get<Graph>('/graph'));
    showCounts();
  };
  const resync = new Debounced(loadGraph, 200);

  // ---- navigation: #/modules/<name>
  function navigate(name: string | null): void {
    const hash = name ? `#/modules/${name}` : '#/';
    if (location.hash !== hash) location.hash = hash;
    else route();
  }
  function route(): void {
    const match = /^#\/modules\/([A-Za-z0-9_-]{1,64})$/.exec(location.hash);
    const name = match?.[1] ?? null;
    graph.select(name);
    if (name !== panel.current) void panel.show(name);
  }
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !document.querySelector('dialog[open]')) navigate(null);
  });

  // ---- the log's filters
  const category = byId<HTMLSelectElement>('log-category');
  const logText = byId<HTMLInputElement>('log-filter');
  const filterLog = (): void => log.setFilter(category.value, logText.value);
  category.addEventListener('change', filterLog);
  logText.addEventListener('input', filterLog);

  const health = await api.get<Health>('/health');
  await loadGraph();
  route();

  const live = { api, log, model, graph, showCounts, resync: () => resync.request(), refreshPanel: () => panelRefresh.request() };
  followEvents(live, Math.max(0, health.next_seq - 1 - BACKLOG), health.boot_id);
  document.body.dataset.ready = 'true';
}

boot().catch((err: unknown) => {
  const text = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err);
  document.body.dataset.ready = 'failed';
  byId('module').replaceChildren(h('p', { class: 'error' }, `The console could not start: ${text}`));
});
