/**
 * The AMI TCP listener (Asterisk's manager interface), off unless manager.conf enables it.
 * It fans the loader's Load/Unload/Reload events out to every logged-in session that reads
 * the `system` class, formatting each event once; limits the sessions not yet logged in
 * (`authlimit`) and how long they may take (`authtimeout`); and on close tells the sessions
 * (`Event: Shutdown`) and ends them.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { LoaderApi } from '../core/api.js';
import type { ManagerConf, ManagerUser } from '../conf/manager-conf.js';
import { managerEvent } from './events.js';
import { CLASS_BITS, privilege } from './permissions.js';
import { type Field, formatMessage } from './protocol.js';
import { ManagerSession, type SessionHost } from './session.js';

export interface ManagerListenerOptions {
  conf: ManagerConf;
  loader: LoaderApi;
  logger: Logger;
  /** Milliseconds since the epoch when the service started (FullyBooted's Uptime). */
  startedAt: number;
  /** Unsent bytes after which a session is cut off (default 1 MiB). */
  maxBufferedBytes?: number | undefined;
  /** How long a failed login waits before its answer (default 1000 ms, as Asterisk). */
  failedLoginDelayMs?: number | undefined;
}

export class ManagerListener {
  private readonly server: Server;
  private readonly sessions = new Set<ManagerSession>();
  private readonly unauthenticated = new Set<ManagerSession>();
  private users: readonly ManagerUser[];
  private unsubscribe: (() => void) | undefined;
  private readonly host: SessionHost;

  constructor(private readonly options: ManagerListenerOptions) {
    this.users = options.conf.users;
    const logger = options.logger.child({ component: 'ami' });
    this.host = {
      loader: options.loader,
      users: () => this.users,
      startedAt: options.startedAt,
      failedLoginDelayMs: options.failedLoginDelayMs ?? 1000,
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
      logger,
      authenticated: (session) => this.unauthenticated.delete(session),
      closed: (session) => {
        this.sessions.delete(session);
        this.unauthenticated.delete(session);
      },
    };
    this.server = createServer((socket) => this.accept(socket));
  }

  /** The port listened on; undefined before {@link listen}. */
  get port(): number | undefined {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  /** Sessions open now. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Listens on manager.conf's bindaddr and port; answers the address bound. */
  async listen(): Promise<{ host: string; port: number }> {
    const { bindaddr, port } = this.options.conf;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, bindaddr, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.unsubscribe = this.options.loader.subscribe((event) => {
      const converted = managerEvent(event);
      if (converted) this.broadcast(converted.name, converted.bits, converted.fields);
    });
    return { host: bindaddr, port: this.port ?? port };
  }

  /** Swaps in the users of a reloaded manager.conf; sessions already logged in keep theirs. */
  replaceUsers(users: readonly ManagerUser[]): void {
    this.users = users;
  }

  /** Tells every session the service is going, ends them, and stops listening. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.broadcast('Shutdown', CLASS_BITS.system, [
      ['Shutdown', 'Cleanly'],
      ['Restart', 'False'],
    ]);
    for (const session of this.sessions) session.end();
    await new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
  }

  private accept(socket: Socket): void {
    if (!this.unsubscribe || this.unauthenticated.size >= this.options.conf.authlimit) {
      this.host.logger.warn({ remote: socket.remoteAddress }, 'AMI connection refused: too many sessions not logged in (authlimit)');
      socket.destroy();
      return;
    }
    const session = new ManagerSession(socket, this.host);
    this.sessions.add(session);
    this.unauthenticated.add(session);
    const timer = setTimeout(() => {
      if (session.user || !session.isOpen) return;
      this.host.logger.info({ remote: session.remote }, 'AMI connection closed: no login within authtimeout');
      session.destroy();
    }, this.options.conf.authtimeout * 1000);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  private broadcast(name: string, bits: number, fields: readonly Field[]): void {
    const head: Field[] = [
      ['Event', name],
      ['Privilege', privilege(bits)],
    ];
    if (this.options.conf.timestampevents) head.push(['Timestamp', (Date.now() / 1000).toFixed(6)]);
    const text = formatMessage([...head, ...fields]);
    for (const session of this.sessions) {
      if (session.user && (session.eventMask & bits) !== 0) session.write(text);
    }
  }
}
