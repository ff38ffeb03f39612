/**
 * The page's side of the event stream: the header's connection status, every event into the
 * log and the model, and what the page says and does when the stream drops, replays, cannot
 * replay (a `gap`), or finds the service restarted (its `hello` names another boot): the
 * header and the log say it, and the state is reloaded.
 */
import type { Api } from './api.js';
import type { EventLog } from './event-log.js';
import type { GraphPane } from './graph-pane.js';
import { byId, clock, h } from './dom.js';
import { type Model, needsResync } from './model.js';
import { EventStream, type StreamStatus } from './stream.js';

export interface LiveHost {
  api: Api;
  log: EventLog;
  model: Model;
  graph: GraphPane;
  showCounts(): void;
  /** Fetch the graph again (once the burst is over). */
  resync(): void;
  /** Redraw the module pane (once the burst is over). */
  refreshPanel(): void;
}

/** The header's notice: the last thing the operator should know about the stream, until dismissed. */
function showNotice(text: string): void {
  const notice = byId('notice');
  const dismiss = h('button', { type: 'button', class: 'dismiss', title: 'Dismiss', 'aria-label': 'Dismiss', onclick: () => (notice.hidden = true) }, '×');
  notice.replaceChildren(h('span', { class: 'text' }, text), dismiss);
  notice.hidden = false;
}

/** Follows the stream from the event after `since` of boot `boot` (the log's backlog) on. */
export function followEvents(host: LiveHost, since: number, boot: string): EventStream {
  const conn = byId('conn');
  let reconnecting = false;
  /** Whether the stream has been live once: a gap before that only shortens the log. */
  let wasLive = false;
  /** Whether this connection found the service restarted: its gaps are the new run's. */
  let restarted = false;
  /** Whether the service said it was shutting down (`cut_off`) since the stream was last live. */
  let shutDown = false;
  let replayedCount = 0;
  const reload = (): void => {
    host.resync();
    host.refreshPanel();
  };
  const setStatus = (status: StreamStatus): void => {
    conn.dataset.status = status.kind;
    switch (status.kind) {
      case 'connecting':
        conn.textContent = status.attempt ? 'reconnecting…' : 'connecting…';
        restarted = false;
        break;
      case 'replaying':
        conn.textContent = 'catching up…';
        break;
      case 'live':
        conn.textContent = 'live';
        break;
      case 'down':
        conn.textContent = `disconnected: retrying in ${(status.retryInMs / 1000).toFixed(1)} s`;
        if (!reconnecting) host.log.note('lost', `Event stream lost (${status.reason}); reconnecting, then resuming after #${stream.seq ?? 0}.`, 'warn');
        reconnecting = true;
        break;
    }
  };

  const stream = new EventStream(
    (seq, bootId) => host.api.eventsUrl(seq, bootId),
    {
      event(event, replayed) {
        if (replayed) replayedCount += 1;
        host.log.add(event, replayed);
        const changed = host.model.apply(event);
        if (changed) {
          host.graph.refresh([changed]);
          host.showCounts();
        }
        if (needsResync(event)) host.resync();
        host.refreshPanel();
      },
      restarted(restart) {
        restarted = true;
        showNotice(`The service restarted (noticed ${clock(new Date().toISOString()).slice(0, 8)}): the page reloaded its state.`);
        // After a shutdown the page saw, it had every event of the earlier run; otherwise
        // whatever that run did after the last one it saw is gone with it.
        const seen = restart.lastSeq === null ? '' : shutDown ? ` The page has the earlier run’s events up to its shutdown (#${restart.lastSeq}).` : ` Its events after #${restart.lastSeq}, if any, are gone.`;
        host.log.note(
          'restart',
          `The service restarted: boot ${restart.from} ended, this is boot ${restart.to}, numbering its events from #1 again.${seen} ` +
            'The page reloaded its state; the new run’s events follow.',
          'warn',
        );
        reload();
      },
      control(message) {
        switch (message.event) {
          case 'gap':
            if (message.reason === 'restarted') break; // said when its `hello` named the new boot
            if (!wasLive || (restarted && message.reason === 'history_exhausted')) {
              // The first connection asks for a backlog for the log only (the state came from
              // /graph); after a restart, the new run's oldest events only shorten the log.
              const next = (message.to ?? message.from) + 1;
              host.log.note('log_start', restarted ? `The new run’s events before #${next} are no longer held.` : `The log starts at #${next}: the service no longer holds older events.`);
              break;
            }
            showNotice(
              message.reason === 'history_exhausted'
                ? `Missed events #${message.from}–#${message.to}: the service no longer holds them. The page reloaded its state.`
                : `Missed events from #${message.from} (${message.reason}). The page reloaded its state.`,
            );
            host.log.note('gap', `Missed events #${message.from}–#${message.to ?? '…'} (${message.reason}): the page reloaded its state.`, 'warn');
            reload();
            break;
          case 'live':
            host.log.note(
              'live',
              restarted
                ? `Live again: the new run’s ${replayedCount} event(s) above.`
                : reconnecting
                  ? `Live again: ${replayedCount} event(s) replayed from while the stream was down.`
                  : `Live: the last ${replayedCount} event(s) above, everything new as it happens.`,
            );
            if (reconnecting) reload();
            reconnecting = false;
            shutDown = false;
            replayedCount = 0;
            wasLive = true;
            break;
          case 'cut_off':
            if (message.reason === 'shutdown') shutDown = true;
            host.log.note('cut_off', `The service closed the stream (${message.reason}) after #${message.last_seq ?? '—'}.`, 'warn');
            break;
          case 'hello':
          case 'heartbeat':
            break;
        }
      },
      status: setStatus,
    },
    since,
    boot,
  );
  stream.start();
  return stream;
}
