/**
 * AMI's permission classes (Asterisk's `EVENT_FLAG_*` bits with their manager.conf labels): a
 * user's `read=` says which events it receives, `write=` which actions it may run, and a
 * session's `Events:` mask narrows what it reads. Only `system` is used by modloader (module
 * actions and the Load/Unload/Reload events); the others are accepted so existing manager.conf
 * files parse.
 */

export const CLASS_BITS = {
  system: 1 << 0,
  call: 1 << 1,
  log: 1 << 2,
  verbose: 1 << 3,
  command: 1 << 4,
  agent: 1 << 5,
  user: 1 << 6,
  config: 1 << 7,
  dtmf: 1 << 8,
  reporting: 1 << 9,
  cdr: 1 << 10,
  dialplan: 1 << 11,
  originate: 1 << 12,
  agi: 1 << 13,
  cc: 1 << 15,
  aoc: 1 << 16,
  test: 1 << 17,
  security: 1 << 18,
  message: 1 << 30,
} as const;

export type PermissionClass = keyof typeof CLASS_BITS;

/** Every class at once (`all`, `on`, `yes`). */
export const ALL = Object.values(CLASS_BITS).reduce((mask, bit) => mask | bit, 0);

const TRUE_WORDS = new Set(['yes', 'true', 'y', 't', '1', 'on']);
const FALSE_WORDS = new Set(['no', 'false', 'n', 'f', '0', 'off']);

/**
 * A comma-separated list of classes (`system,call`, `all`, `none`) as a mask, or the unknown
 * labels when there are any. Used for manager.conf's `read=` and `write=`.
 */
export function parseClassList(text: string): { mask: number } | { unknown: string[] } {
  let mask = 0;
  const unknown: string[] = [];
  for (const raw of text.split(',')) {
    const label = raw.trim().toLowerCase();
    if (label === '' || label === 'none') continue;
    if (label === 'all') mask |= ALL;
    else if (label in CLASS_BITS) mask |= CLASS_BITS[label as PermissionClass];
    else unknown.push(raw.trim());
  }
  return unknown.length > 0 ? { unknown } : { mask };
}

/**
 * An `Events:` header as a mask: a number, on/off words, or a class list; undefined when it
 * names nothing known (the action then answers an error).
 */
export function parseEventMask(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (/^\d+$/.test(value)) return Number(value) & ALL;
  if (FALSE_WORDS.has(value)) return 0;
  if (TRUE_WORDS.has(value)) return ALL;
  const parsed = parseClassList(value);
  return 'mask' in parsed && parsed.mask !== 0 ? parsed.mask : undefined;
}

/** The `Privilege:` header of an event of class `bits`: its labels, then `all`. */
export function privilege(bits: number): string {
  const labels = Object.entries(CLASS_BITS)
    .filter(([, bit]) => (bits & bit) !== 0)
    .map(([label]) => label);
  return [...labels, 'all'].join(',');
}
