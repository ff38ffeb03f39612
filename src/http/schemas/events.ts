/**
 * The event stream's messages (SPEC 10): one schema per loader event, mirroring
 * `EventFields` in `src/core/types.ts`, and the stream's own control messages. The AsyncAPI
 * document is generated from these; tests parse websocket frames with them.
 */
import { z } from 'zod';
import type { EventFields, EventName, LoaderEvent } from '../../core/types.js';
import { EVENT_NAMES, FAULT_SOURCES, MODULE_STATES } from '../../core/types.js';
import type { Accepts } from './common.js';
import { OriginSchema, UserSchema } from './common.js';
import { described, named } from './registry.js';

const base = {
  seq: described(z.number().int(), 'Strictly increasing, without gaps.'),
  time: described(z.string(), 'ISO 8601.'),
  module: z.string().optional(),
  op: described(z.string().optional(), 'The operation that caused it (also returned by the REST call that started it).'),
  cause: described(z.string().optional(), 'The request id that started the operation, or the module whose unload cascaded.'),
};

const state = z.enum(MODULE_STATES);
const provider = { type: z.string(), name: z.string(), priority: z.number() };

/** Event-specific fields, by event name (SPEC 10). */
const FIELDS = {
  loading: {},
  load: { state },
  load_failed: { reason: z.string(), outcome: z.enum(['failure', 'throw', 'timeout', 'checksum_mismatch', 'import']) },
  declined: { reason: z.string() },
  unloading: {},
  unload: { state },
  cascade_unload: { direction: z.enum(['dependents', 'dependencies']) },
  block_unload: {},
  lib_release: {},
  user_add: { user: UserSchema },
  user_release: { user: UserSchema },
  dispose_request: { user: UserSchema },
  canuse: { used: z.string() },
  provider_register: provider,
  provider_unregister: provider,
  reload: { result: z.enum(['success', 'failure']), reason: z.string().optional() },
  manifest_add: {},
  manifest_change: { stale: z.boolean() },
  manifest_remove: {},
  checksum_mismatch: { expected: z.string(), actual: z.string() },
  dependency_cycle: { cycle: z.array(z.string()) },
  neverload_refused: { origin: OriginSchema.optional(), needed_by: z.string().optional() },
  dialplan_unresolved: { app: z.string(), holder: z.string(), origin: OriginSchema },
  module_fault: { error: z.string(), source: z.enum(FAULT_SOURCES) },
} satisfies Record<EventName, z.ZodRawShape>;

const DESCRIPTIONS: Record<EventName, string> = {
  loading: 'A module starts loading (its lib is imported and load() runs).',
  load: 'A module is running.',
  load_failed: 'load() failed, threw, timed out, or the binary could not be imported or verified.',
  declined: 'load() declined: the module chose not to run.',
  unloading: 'A module starts stopping.',
  unload: 'A module stopped.',
  cascade_unload: 'A module stops because a neighbour went: its dependents (firm unload) or its dependencies (last user gone).',
  block_unload: 'A stopped module keeps its lib loaded (ctx.blockUnload()).',
  lib_release: "A module's lib was released.",
  user_add: 'A user was added to a module.',
  user_release: 'A user was released.',
  dispose_request: 'A non-cancellable holder was asked to let go (firm unload).',
  canuse: 'A running module was told that a module it can use has loaded.',
  provider_register: 'A provider entered the API registry.',
  provider_unregister: 'A provider left the API registry.',
  reload: "A module's reload() ran.",
  manifest_add: 'A rescan found a new manifest.',
  manifest_change: 'A rescan found a changed manifest; `stale` when the module runs an older binary.',
  manifest_remove: 'A rescan found a manifest gone.',
  checksum_mismatch: "A module's binary does not match its manifest checksum.",
  dependency_cycle: 'A load was refused because the dependencies form a cycle.',
  neverload_refused: 'A load of a module banned by neverload was refused.',
  dialplan_unresolved: 'A dialplan step names an application nothing provides.',
  module_fault:
    "A module's code faulted (uncaught exception, unhandled rejection, process.exit, runaway): the module is firm-unloaded and ends failed.",
};

function eventSchema<K extends EventName>(name: K) {
  return named(
    `Event_${name}`,
    z.object({ ...base, event: z.literal(name), ...FIELDS[name] }),
    DESCRIPTIONS[name],
  );
}

/** One schema per loader event, keyed by event name. */
export const EVENT_SCHEMAS = Object.fromEntries(EVENT_NAMES.map((name) => [name, eventSchema(name)])) as {
  [K in EventName]: ReturnType<typeof eventSchema<K>>;
};

export const LoaderEventSchema = z.discriminatedUnion(
  'event',
  EVENT_NAMES.map((name) => EVENT_SCHEMAS[name]) as unknown as [
    ReturnType<typeof eventSchema<EventName>>,
    ...Array<ReturnType<typeof eventSchema<EventName>>>,
  ],
);

// ---- control messages of the stream itself (no `seq`: they are not loader events)

/** A boot id as the service makes them (and as `boot=` takes them). */
export const BootIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a boot id');

export const HelloSchema = named(
  'Stream_hello',
  z.object({
    event: z.literal('hello'),
    time: z.string(),
    boot_id: described(z.string(), 'This start of the service (as in /health): a new one means the service restarted and seqs started again from 1.'),
    next_seq: z.number().int(),
  }),
  'The first message of every stream: which boot of the service this is, and the seq the next event will get.',
);

export const HeartbeatSchema = named(
  'Stream_heartbeat',
  z.object({ event: z.literal('heartbeat'), time: z.string(), next_seq: z.number().int() }),
  'Sent every heartbeat interval; `next_seq` is the seq the next event will get.',
);

export const LiveSchema = named(
  'Stream_live',
  z.object({ event: z.literal('live'), time: z.string(), next_seq: z.number().int() }),
  'After a replay requested with `since=`: everything held was sent; what follows is live.',
);

export const GapSchema = named(
  'Stream_gap',
  z.object({
    event: z.literal('gap'),
    time: z.string(),
    from: described(z.number().int(), 'First seq that cannot be sent.'),
    to: described(z.number().int().nullable(), 'Last seq that cannot be sent; null for `restarted` (every later event of that boot).'),
    reason: described(
      z.enum(['history_exhausted', 'since_ahead', 'restarted']),
      '`history_exhausted`: the server no longer holds these events; `since_ahead`: `since` is beyond the newest event (the service restarted); ' +
        '`restarted`: `since` (with `boot=`) is a seq of an earlier boot, whose later events are gone; this boot is replayed from its start next.',
    ),
    boot_id: described(z.string().optional(), '`restarted`: the earlier boot the missing events belonged to.'),
  }),
  'Events the subscriber asked for with `since=` that the server cannot send.',
);

export const CutOffSchema = named(
  'Stream_cut_off',
  z.object({
    event: z.literal('cut_off'),
    time: z.string(),
    reason: z.enum(['slow_subscriber', 'shutdown']),
    last_seq: described(z.number().int().nullable(), 'The last seq sent to this subscriber; resume with `since=` it.'),
  }),
  'The final message before the server closes the stream.',
);

export const ControlMessageSchema = z.discriminatedUnion('event', [HelloSchema, HeartbeatSchema, LiveSchema, GapSchema, CutOffSchema]);
export type ControlMessage = z.output<typeof ControlMessageSchema>;

/** Any message of the stream. */
export const StreamMessageSchema = z.union([LoaderEventSchema, ControlMessageSchema]);

export const EventStreamQuery = z.strictObject({
  events: described(
    z
      .string()
      .max(2048)
      .optional()
      .transform((text, ctx) => {
        if (text === undefined || text === '') return undefined;
        const names = text.split(',').map((s) => s.trim());
        const unknown = names.filter((n) => !(EVENT_NAMES as readonly string[]).includes(n));
        if (unknown.length > 0) {
          ctx.addIssue({ code: 'custom', message: `unknown events: ${unknown.join(', ')}` });
          return z.NEVER;
        }
        return names as EventName[];
      }),
    'Comma-separated event names to receive (default all).',
  ),
  module: described(
    z.string().max(1024).optional(),
    'Comma-separated globs (picomatch) on the module name, e.g. `chan_*,app_*`; events without a module are not sent when set.',
  ),
  since: described(
    z.coerce.number().int().min(0).optional(),
    'Resume: replay the held events with seq greater than this (the last seq you received), then go live.',
  ),
  boot: described(
    BootIdSchema.optional(),
    'With `since`: the boot id (from `hello`) that seq belongs to. Another boot is answered with a `gap` (`restarted`), then this boot from its start.',
  ),
  token: described(z.string().max(512).optional(), 'A bearer token, for clients that cannot set headers (browsers).'),
}).refine((query) => query.boot === undefined || query.since !== undefined, { message: 'boot= goes with since=', path: ['boot'] });

type _EventCheck = Accepts<z.output<typeof LoaderEventSchema>, LoaderEvent>;

/** Each event's fields that its schema lacks (and the serializer would strip): none. */
type FieldsLost = { [K in EventName]: Exclude<keyof EventFields[K], keyof z.output<(typeof EVENT_SCHEMAS)[K]>> }[EventName];
type Expect<T extends true> = T;
type _EventFieldsCheck = Expect<[FieldsLost] extends [never] ? true : false>;
