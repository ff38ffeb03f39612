/**
 * The scrolling event log: one line per event as it arrives (`#seq time event module
 * details op cause`), the stream's own notices (live, missed events, restarts) between them,
 * filters by kind of event and by text, and the newest 2,000 lines kept. It follows the
 * bottom unless the reader has scrolled up.
 */
import type { LoaderEvent, UserInfo } from '../../src/core/types.js';
import { clock, h } from './dom.js';

const KEEP = 2000;

export const CATEGORIES: Record<string, ReadonlySet<string>> = {
  lifecycle: new Set(['loading', 'load', 'unloading', 'unload', 'cascade_unload', 'block_unload', 'lib_release', 'reload']),
  users: new Set(['user_add', 'user_release', 'dispose_request', 'canuse']),
  providers: new Set(['provider_register', 'provider_unregister']),
  manifests: new Set(['manifest_add', 'manifest_change', 'manifest_remove', 'checksum_mismatch']),
  problems: new Set([
    'load_failed',
    'declined',
    'module_fault',
    'dependency_cycle',
    'neverload_refused',
    'dialplan_unresolved',
    'checksum_mismatch',
  ]),
};

function user(u: UserInfo): string {
  const flags = [u.weak ? 'weak' : '', u.cancellable ? 'cancellable' : ''].filter(Boolean).join(',');
  return `user=${u.kind} ${u.holder} (${u.id}${flags ? `, ${flags}` : ''})`;
}

/** The event's own fields, as `key=value` text. */
export function details(e: LoaderEvent): string {
  switch (e.event) {
    case 'load':
    case 'unload':
      return `state=${e.state}`;
    case 'load_failed':
      return `outcome=${e.outcome} reason=${e.reason}`;
    case 'declined':
      return `reason=${e.reason}`;
    case 'cascade_unload':
      return `direction=${e.direction}`;
    case 'user_add':
    case 'user_release':
    case 'dispose_request':
      return user(e.user);
    case 'canuse':
      return `used=${e.used}`;
    case 'provider_register':
    case 'provider_unregister':
      return `${e.type}=${e.name}:${e.priority}`;
    case 'reload':
      return `result=${e.result}${e.reason ? ` reason=${e.reason}` : ''}`;
    case 'manifest_change':
      return e.stale ? 'stale' : '';
    case 'checksum_mismatch':
      return `expected=${e.expected} actual=${e.actual}`;
    case 'dependency_cycle':
      return `cycle=${e.cycle.join(' -> ')}`;
    case 'neverload_refused':
      return e.origin ? `origin=${e.origin.file}:${e.origin.line}` : '';
    case 'dialplan_unresolved':
      return `app=${e.app} holder=${e.holder} origin=${e.origin.file}:${e.origin.line}`;
    case 'module_fault':
      return `source=${e.source} error=${e.error}`;
    default:
      return '';
  }
}

export class EventLog {
  private readonly list: HTMLOListElement;
  private category = 'all';
  private text = '';
  private pending: HTMLLIElement[] = [];

  constructor(private readonly host: HTMLElement) {
    this.list = h('ol', { class: 'log-lines', 'aria-live': 'off' });
    host.append(this.list);
  }

  add(e: LoaderEvent, replayed: boolean): void {
    const problem = CATEGORIES.problems!.has(e.event);
    const line = h(
      'li',
      {
        class: `ev ev-${e.event}${replayed ? ' replayed' : ''}${problem ? ' problem' : ''}`,
        'data-event': e.event,
        'data-module': e.module ?? '',
        'data-seq': e.seq,
      },
      h('span', { class: 'seq' }, `#${e.seq}`),
      h('span', { class: 'time' }, clock(e.time)),
      h('span', { class: 'name' }, e.event),
      e.module ? h('a', { class: 'mod', href: `#/modules/${e.module}` }, e.module) : null,
      h('span', { class: 'details' }, details(e)),
      e.op ? h('span', { class: 'op' }, `op=${e.op}`) : null,
      e.cause ? h('span', { class: 'cause' }, `cause=${e.cause}`) : null,
    );
    this.append(line);
  }

  /** A line of the page's own (`what`: live, gap, lost, cut_off, log_start). */
  note(what: string, text: string, kind: 'info' | 'warn' = 'info'): void {
    this.append(h('li', { class: `note note-${kind}`, 'data-event': 'note', 'data-note': what }, text));
  }

  setFilter(category: string, text: string): void {
    this.category = category;
    this.text = text.trim().toLowerCase();
    for (const li of this.list.children) this.show(li as HTMLLIElement);
  }

  private show(li: HTMLLIElement): void {
    const event = li.dataset.event ?? '';
    const inCategory = event === 'note' || this.category === 'all' || (CATEGORIES[this.category]?.has(event) ?? false);
    const inText = !this.text || event === 'note' || (li.textContent ?? '').toLowerCase().includes(this.text);
    li.hidden = !(inCategory && inText);
  }

  /** Lines are added once per frame, so a replay of hundreds of events lays out once. */
  private append(li: HTMLLIElement): void {
    this.show(li);
    this.pending.push(li);
    if (this.pending.length === 1) requestAnimationFrame(() => this.flush());
  }

  private flush(): void {
    const pinned = this.host.scrollHeight - this.host.scrollTop - this.host.clientHeight < 24;
    this.list.append(...this.pending.splice(0).slice(-KEEP));
    while (this.list.childElementCount > KEEP) this.list.firstElementChild!.remove();
    if (pinned) this.host.scrollTop = this.host.scrollHeight;
  }
}
