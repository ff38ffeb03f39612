/**
 * The web console: signs in, draws the graph from `GET /graph`, follows the event stream
 * (states change as events arrive; after a drop it resumes with `since=` and says what was
 * missed), and shows a module's page with its actions when one is chosen (`#/modules/<name>`).
 */
import { ActionDialog } from './actions.js';
import { Api, ApiError } from './api.js';
import { signIn, signOut } from './auth.js';
import { byId, h } from './dom.js';
import { EventLog } from './event-log.js';
import { GraphPane } from './graph-pane.js';
import { Model, needsResync } from './model.js';
import type { GraphAnswer, Whoami } from './types.js';
import { ModulePanel } from './module-page.js';
import { EventStream, type StreamStatus } from './stream.js';

/** How many past events the log starts with. */
const BACKLOG = 300;

/** Runs `task` after a quiet spell, never twice at once, and again if asked meanwhile. */
class Debounced {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private again = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly ms: number,
  ) {}

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), this.ms);
  }

  private async run(): Promise<void> {
    this.timer = null;
    this.running = true;
    try {
      await this.task();
    } catch (err) {
      // Unreachable service: the stream says so, and resumes with a reload when it is back.
      if (!(err instanceof ApiError && err.code === 'network')) console.error(err);
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.request();
      }
    }
  }
}

/** The modules an operator should look at: failed, declined, stopped with a lib kept, stale. */
function attention(model: Model): HTMLElement {
  const groups: Array<[string, string[]]> = [
    ['failed', []],
    ['declined', []],
    ['stopped', []],
    ['stale', []],
  ];
  for (const node of [...model.nodes.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const [state, names] of groups) if (node.state === state || (state === 'stale' && node.stale)) names.push(node.name);
  }
  const shown = groups.filter(([, names]) => names.length > 0);
  if (shown.length === 0) return h('p', { class: 'all-well' }, 'No module is failed, declined, stopped or stale.');
  return h(
    'div',
    { class: 'attention' },
    h('h3', null, 'Needs a look'),
    ...shown.map(([state, names]) =>
      h('p', null, h('span', { class: `badge state state-${state}` }, `${names.length} ${state}`), ' ', ...names.flatMap((n, i) => [i ? ', ' : '', h('a', { class: 'mod', href: `#/modules/${n}` }, n)])),
    ),
  );
}

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
    graph.update(await api.get<GraphAnswer>('/graph'));
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

  // ---- the event stream
  const conn = byId('conn');
  const notice = byId('notice');
  const warn = (what: string, text: string): void => {
    notice.textContent = text;
    notice.hidden = false;
    log.note(what, text, 'warn');
  };
  let reconnecting = false;
  /** Whether the stream has been live once: a gap before that only shortens the log. */
  let wasLive = false;
  let replayedCount = 0;
  const setStatus = (status: StreamStatus): void => {
    conn.dataset.status = status.kind;
    switch (status.kind) {
      case 'connecting':
        conn.textContent = status.attempt ? 'reconnecting…' : 'connecting…';
        break;
      case 'replaying':
        conn.textContent = 'catching up…';
        break;
      case 'live':
        conn.textContent = 'live';
        break;
      case 'down':
        conn.textContent = `disconnected: retrying in ${(status.retryInMs / 1000).toFixed(1)} s`;
        if (!reconnecting) log.note('lost', `Event stream lost (${status.reason}); reconnecting, then resuming after #${stream.seq ?? 0}.`, 'warn');
        reconnecting = true;
        break;
    }
  };

  const health = await api.get<{ next_seq: number }>('/health');
  await loadGraph();
  route();

  const stream = new EventStream(
    (since) => api.eventsUrl(since),
    {
      event(event, replayed) {
        if (replayed) replayedCount += 1;
        log.add(event, replayed);
        const changed = model.apply(event);
        if (changed) {
          graph.refresh([changed]);
          showCounts();
        }
        if (needsResync(event)) resync.request();
        panelRefresh.request();
      },
      control(message) {
        switch (message.event) {
          case 'gap':
            if (!wasLive) {
              // The first connection asks for a backlog for the log only; the state came from /graph.
              log.note('log_start', `The log starts at #${message.to + 1}: the service no longer holds older events.`);
              break;
            }
            warn(
              'gap',
              message.reason === 'since_ahead'
                ? `The service restarted (its events number afresh, from #${message.from}): the page reloaded its state.`
                : `Missed events #${message.from}–#${message.to}: the service no longer holds them. The page reloaded its state.`,
            );
            resync.request();
            panelRefresh.request();
            break;
          case 'live':
            log.note(
              'live',
              reconnecting
                ? `Live again: ${replayedCount} event(s) replayed from while the stream was down.`
                : `Live: the last ${replayedCount} event(s) above, everything new as it happens.`,
            );
            if (reconnecting) {
              resync.request();
              panelRefresh.request();
            }
            reconnecting = false;
            replayedCount = 0;
            wasLive = true;
            break;
          case 'cut_off':
            log.note('cut_off', `The service closed the stream (${message.reason}) after #${message.last_seq ?? '—'}.`, 'warn');
            break;
          case 'heartbeat':
            break;
        }
      },
      status: setStatus,
    },
    Math.max(0, health.next_seq - 1 - BACKLOG),
  );
  stream.start();
  document.body.dataset.ready = 'true';
}

boot().catch((err: unknown) => {
  const text = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err);
  document.body.dataset.ready = 'failed';
  byId('module').replaceChildren(h('p', { class: 'error' }, `The console could not start: ${text}`));
});
