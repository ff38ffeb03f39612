/**
 * The page's side of the event stream: the header's connection status, every event into the
 * log and the model, and what the page says and does when the stream drops, replays, or
 * cannot replay (a `gap`): the log and the header say it, and the state is reloaded.
 */
import type { Api } from './api.js';
import type { EventLog } from './event-log.js';
import type { GraphPane } from './graph-pane.js';
import { byId } from './dom.js';
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

/** Follows the stream from the event after `since` (the log's backlog) on. */
export function followEvents(host: LiveHost, since: number): EventStream {
  const conn = byId('conn');
  const notice = byId('notice');
  const warn = (what: string, text: string): void => {
    notice.textContent = text;
    notice.hidden = false;
    host.log.note(what, text, 'warn');
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
        if (!reconnecting) host.log.note('lost', `Event stream lost (${status.reason}); reconnecting, then resuming after #${stream.seq ?? 0}.`, 'warn');
        reconnecting = true;
        break;
    }
  };

  const stream = new EventStream(
    (since) => host.api.eventsUrl(since),
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
      control(message) {
        switch (message.event) {
          case 'gap':
            if (!wasLive) {
              // The first connection asks for a backlog for the log only; the state came from /graph.
              host.log.note('log_start', `The log starts at #${message.to + 1}: the service no longer holds older events.`);
              break;
            }
            warn(
              'gap',
              message.reason === 'since_ahead'
                ? `The service restarted (its events number afresh, from #${message.from}): the page reloaded its state.`
                : `Missed events #${message.from}–#${message.to}: the service no longer holds them. The page reloaded its state.`,
            );
            host.resync();
            host.refreshPanel();
            break;
          case 'live':
            host.log.note(
              'live',
              reconnecting
                ? `Live again: ${replayedCount} event(s) replayed from while the stream was down.`
                : `Live: the last ${replayedCount} event(s) above, everything new as it happens.`,
            );
            if (reconnecting) {
              host.resync();
              host.refreshPanel();
            }
            reconnecting = false;
            replayedCount = 0;
            wasLive = true;
            break;
          case 'cut_off':
            host.log.note('cut_off', `The service closed the stream (${message.reason}) after #${message.last_seq ?? '—'}.`, 'warn');
            break;
          case 'heartbeat':
            break;
        }
      },
      status: setStatus,
    },
    since,
  );
  stream.start();
  return stream;
}
