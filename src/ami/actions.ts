/**
 * The AMI actions modloader answers, with Asterisk's names, headers and privileges: `Login`
 * (plain `Secret`, or `AuthType: MD5` with `Key` after `Challenge`), `Logoff`, `Challenge`,
 * `Ping`, `Events`, `ListCommands`, and the module actions `ModuleCheck` and `ModuleLoad`
 * (`LoadType`: load, unload, reload, refresh), which need the `system` write class.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsteriskRefusal, isRunning, loadModule, refreshModule, reloadModule, unloadModule } from '../asterisk/module-actions.js';
import { parseModuleName } from '../core/names.js';
import type { ManagerUser } from '../conf/manager-conf.js';
import { CLASS_BITS, parseEventMask, privilege } from './permissions.js';
import { type AmiMessage, formatMessage } from './protocol.js';
import type { ManagerSession } from './session.js';

export interface Action {
  name: string;
  synopsis: string;
  /** The write classes that may run it; 0: anyone logged in. */
  privilege: number;
  /** Allowed before Login. */
  beforeLogin?: boolean;
  run(session: ManagerSession, message: AmiMessage): void | Promise<void>;
}

const sha = (text: string): Buffer => createHash('sha256').update(text).digest();
const same = (a: string, b: string): boolean => timingSafeEqual(sha(a), sha(b));

/** The user that `message` proves to be, or undefined. */
function authenticate(session: ManagerSession, message: AmiMessage): ManagerUser | undefined {
  const username = message.text('Username').toLowerCase();
  if (username === '') return undefined;
  const user = session.host.users().find((u) => u.name.toLowerCase() === username);
  if (!user) return undefined;
  if (message.text('AuthType').toLowerCase() === 'md5') {
    const key = message.text('Key').toLowerCase();
    if (!session.challenge || key === '') return undefined;
    const expected = createHash('md5').update(session.challenge + user.secret).digest('hex');
    return same(key, expected) ? user : undefined;
  }
  return same(message.get('Secret') ?? '', user.secret) ? user : undefined;
}

const login: Action = {
  name: 'Login',
  synopsis: 'Log in with Username and Secret (or AuthType: MD5 and Key)',
  privilege: 0,
  beforeLogin: true,
  async run(session, message) {
    if (session.user) {
      session.ok(message, 'Already authenticated');
      return;
    }
    const user = authenticate(session, message);
    const { logger } = session.host;
    if (!user) {
      logger.warn({ remote: session.remote, username: message.text('Username') }, 'AMI login failed');
      await sleep(session.host.failedLoginDelayMs);
      session.error(message, 'Authentication failed');
      session.end();
      return;
    }
    session.user = user;
    const events = message.text('Events');
    session.eventMask = user.read & (events === '' ? user.read : (parseEventMask(events) ?? user.read));
    session.host.authenticated(session);
    logger.info({ remote: session.remote, user: user.name }, `AMI user ${user.name} logged in`);
    session.ok(message, 'Authentication accepted');
    if (session.eventMask & CLASS_BITS.system) {
      const uptime = Math.floor((Date.now() - session.host.startedAt) / 1000);
      session.write(
        formatMessage([
          ['Event', 'FullyBooted'],
          ['Privilege', privilege(CLASS_BITS.system)],
          ['Uptime', uptime],
          ['LastReload', uptime],
          ['Status', 'Fully Booted'],
        ]),
      );
    }
  },
};

const logoff: Action = {
  name: 'Logoff',
  synopsis: 'End the session',
  privilege: 0,
  beforeLogin: true,
  run(session, message) {
    session.respond(message, 'Goodbye', [['Message', 'Session ended']]);
    if (session.user) session.host.logger.info({ remote: session.remote, user: session.user.name }, `AMI user ${session.user.name} logged off`);
    session.end();
  },
};

const challenge: Action = {
  name: 'Challenge',
  synopsis: 'A challenge for an MD5 login (AuthType: MD5)',
  privilege: 0,
  beforeLogin: true,
  run(session, message) {
    if (message.text('AuthType').toLowerCase() !== 'md5') {
      session.error(message, 'AuthType must be MD5');
      return;
    }
    session.challenge ??= String(randomInt(1, 2 ** 47));
    session.respond(message, 'Success', [['Challenge', session.challenge]]);
  },
};

const ping: Action = {
  name: 'Ping',
  synopsis: 'Keep the session alive; answers Pong',
  privilege: 0,
  run(session, message) {
    const now = Date.now();
    session.respond(message, 'Success', [
      ['Ping', 'Pong'],
      ['Timestamp', `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, '0')}`],
    ]);
  },
};

const events: Action = {
  name: 'Events',
  synopsis: 'Choose the event classes this session receives (EventMask: on, off, or a list)',
  privilege: 0,
  run(session, message) {
    const mask = parseEventMask(message.text('EventMask'));
    if (mask === undefined) {
      session.error(message, 'EventMask must be on, off, a number or a list of event classes');
      return;
    }
    session.eventMask = (session.user?.read ?? 0) & mask;
    session.respond(message, 'Success', [['Events', mask === 0 ? 'Off' : 'On']]);
  },
};

/** The module a ModuleCheck or ModuleLoad names, without its `.so`; undefined when it is no name. */
function moduleOf(message: AmiMessage): string | undefined {
  const text = message.text('Module');
  return text === '' ? undefined : parseModuleName(text);
}

const moduleCheck: Action = {
  name: 'ModuleCheck',
  synopsis: 'Whether a module is running',
  privilege: CLASS_BITS.system,
  run(session, message) {
    const name = moduleOf(message);
    if (!name || !isRunning(session.host.loader, name)) {
      session.error(message, `${message.text('Module') || 'The module'} is not running`);
      return;
    }
    // Asterisk answers an empty Version since it lost its per-file versions; so does this.
    session.respond(message, 'Success', [['Version', '']]);
  },
};

const moduleLoad: Action = {
  name: 'ModuleLoad',
  synopsis: 'Load, unload, reload or refresh a module (LoadType, Module); reload without Module reloads every running module',
  privilege: CLASS_BITS.system,
  async run(session, message) {
    const type = message.text('LoadType').toLowerCase();
    const given = message.text('Module');
    const { loader } = session.host;
    const cause = `ami:${session.user?.name ?? '?'}`;
    if (!['load', 'unload', 'reload', 'refresh'].includes(type)) {
      session.error(message, 'LoadType must be load, unload, reload or refresh');
      return;
    }
    if (type === 'reload' && given === '') {
      const running = loader.list({ state: 'running' }).map((m) => m.name);
      const failed: string[] = [];
      for (const name of running) {
        await reloadModule(loader, name, cause).catch((err: unknown) => {
          if (!(err instanceof AsteriskRefusal)) throw err;
          failed.push(`${name} (${err.message})`);
        });
      }
      if (failed.length > 0) session.error(message, `Reloaded ${running.length - failed.length} of ${running.length} modules; failed: ${failed.join(', ')}`);
      else session.ok(message, `Reloaded all ${running.length} running modules`);
      return;
    }
    if (given === '') {
      session.error(message, 'ModuleLoad needs a Module');
      return;
    }
    const name = parseModuleName(given);
    if (!name) {
      session.error(message, `${given} is not a module name`);
      return;
    }
    const run = { load: loadModule, unload: unloadModule, reload: reloadModule, refresh: refreshModule }[type as 'load'];
    const done = { load: 'loaded', unload: 'unloaded', reload: 'reloaded', refresh: 'unloaded and loaded again' }[type as 'load'];
    try {
      await run(loader, name, cause);
      session.ok(message, `${name} ${done}`);
    } catch (err) {
      if (!(err instanceof AsteriskRefusal)) throw err;
      session.error(message, `Could not ${type} ${name}: ${err.message}`);
    }
  },
};

const listCommands: Action = {
  name: 'ListCommands',
  synopsis: 'The actions this session may run',
  privilege: 0,
  run(session, message) {
    const write = session.user?.write ?? 0;
    const allowed = [...ACTIONS.values()].filter((a) => a.privilege === 0 || (write & a.privilege) !== 0);
    session.respond(
      message,
      'Success',
      allowed.map((a) => [a.name, `${a.synopsis} (Priv: ${a.privilege === 0 ? '<none>' : privilege(a.privilege)})`] as const),
    );
  },
};

/** The actions by lower-case name (AMI action names are case-insensitive). */
export const ACTIONS: ReadonlyMap<string, Action> = new Map(
  [login, logoff, challenge, ping, events, listCommands, moduleCheck, moduleLoad].map((a) => [a.name.toLowerCase(), a]),
);
