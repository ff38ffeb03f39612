/**
 * One AMI connection: the banner, then messages read one at a time (a slow action holds the
 * next back; input piling up pauses the socket), each answered by its action. Writing never
 * waits: a peer whose unsent output passes the limit is cut off, so a slow or silent client
 * never slows the loader or the other sessions. Nothing a peer sends can throw out of here:
 * malformed input is answered `Response: Error`.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { LoaderApi } from '../core/api.js';
import type { ManagerUser } from '../conf/manager-conf.js';
import { ACTIONS } from './actions.js';
import { AmiMessage, type Field, formatMessage, MessageReader } from './protocol.js';

/** The version the banner announces: the AMI protocol version of the Asterisk it imitates. */
export const AMI_VERSION = '13.0.0';

/** Messages read and not yet handled, after which the socket is paused. */
const MAX_QUEUED = 32;

/** What a session needs from its listener. */
export interface SessionHost {
  loader: LoaderApi;
  /** The users of manager.conf now (a config reload may change them). */
  users(): readonly ManagerUser[];
  /** Milliseconds since the epoch when the service started. */
  startedAt: number;
  /** How long a failed login waits before it is answered (Asterisk: 1 s). */
  failedLoginDelayMs: number;
  /** Unsent bytes after which the peer is cut off. */
  maxBufferedBytes: number;
  logger: Logger;
  /** The session logged in (it no longer counts against authlimit). */
  authenticated(session: ManagerSession): void;
  /** The session ended. */
  closed(session: ManagerSession): void;
}

export type Response = 'Success' | 'Error' | 'Goodbye';

export class ManagerSession {
  /** The logged-in user; null until Login succeeds. */
  user: ManagerUser | null = null;
  /** Event classes this session receives (its user's `read=`, narrowed by `Events:`). */
  eventMask = 0;
  /** The challenge of `Action: Challenge`, for an MD5 login. */
  challenge: string | undefined;
  readonly remote: string;

  private readonly reader = new MessageReader();
  private readonly queue: Array<{ message: AmiMessage; error?: string }> = [];
  private busy = false;
  private ended = false;

  constructor(
    private readonly socket: Socket,
    readonly host: SessionHost,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    socket.on('data', (text: string) => this.receive(text));
    socket.on('error', (err) => host.logger.debug({ err, remote: this.remote }, 'AMI connection error'));
    socket.on('close', () => {
      this.ended = true;
      host.closed(this);
    });
    this.write(`Asterisk Call Manager/${AMI_VERSION}\r\n`);
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  /** Writes raw text; cuts the peer off instead when it has too much unread. */
  write(text: string): void {
    if (this.ended) return;
    if (this.socket.writableLength > this.host.maxBufferedBytes) {
      this.host.logger.warn({ remote: this.remote, user: this.user?.name, buffered: this.socket.writableLength }, 'AMI session cut off: it does not read what it is sent');
      this.destroy();
      return;
    }
    this.socket.write(text);
  }

  /** An answer to `message`: `Response`, its `ActionID` when it had one, then `fields`. */
  respond(message: AmiMessage, response: Response, fields: readonly Field[] = []): void {
    const id = message.get('ActionID');
    this.write(formatMessage([['Response', response], ...(id ? [['ActionID', id] as const] : []), ...fields]));
  }

  ok(message: AmiMessage, text: string): void {
    this.respond(message, 'Success', [['Message', text]]);
  }

  error(message: AmiMessage, text: string): void {
    this.respond(message, 'Error', [['Message', text]]);
  }

  /** Ends the session after what was written has been sent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  destroy(): void {
    this.ended = true;
    this.socket.destroy();
  }

  private receive(text: string): void {
    let results;
    try {
      results = this.reader.push(text);
    } catch (err) {
      this.host.logger.error({ err, remote: this.remote }, 'AMI input could not be read');
      this.destroy();
      return;
    }
    this.queue.push(...results);
    if (this.queue.length > MAX_QUEUED) this.socket.pause();
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.ended && this.queue.length > 0) {
        const { message, error } = this.queue.shift()!;
        if (this.queue.length <= MAX_QUEUED / 2) this.socket.resume();
        if (error) this.error(message, `Failed to parse the message: ${error}`);
        else await this.handle(message);
      }
    } finally {
      this.busy = false;
    }
  }

  private async handle(message: AmiMessage): Promise<void> {
    const name = message.text('Action');
    if (name === '') {
      this.error(message, 'The message has no Action header');
      return;
    }
    const action = ACTIONS.get(name.toLowerCase());
    if (!this.user && !action?.beforeLogin) {
      this.error(message, 'Permission denied');
      return;
    }
    if (!action) {
      this.error(message, `Unknown action ${name}; Action: ListCommands lists those available`);
      return;
    }
    if (action.privilege !== 0 && ((this.user?.write ?? 0) & action.privilege) === 0) {
      this.error(message, 'Permission denied');
      return;
    }
    try {
      await action.run(this, message);
    } catch (err) {
      this.host.logger.error({ err, action: action.name, remote: this.remote }, 'AMI action failed');
      this.error(message, `${action.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
