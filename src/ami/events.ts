/**
 * The loader events AMI reports, as Asterisk's manager events of class `system`: `Load`
 * (`Status`: Success, Failure or Decline), `Unload` (`Status: Success`) and `Reload` (`Status`:
 * Asterisk's numeric reload result, 0 for success and 3 for an error), each with `Module`.
 * Module names are the loader's, without a `.so`.
 */
import type { LoaderEvent } from '../core/types.js';
import { CLASS_BITS } from './permissions.js';
import type { Field } from './protocol.js';

export interface ManagerEvent {
  name: string;
  /** The permission class a session must read to receive it. */
  bits: number;
  fields: Field[];
}

/** Asterisk's reload results that modloader produces. */
const RELOAD_SUCCESS = 0;
const RELOAD_ERROR = 3;

export function managerEvent(event: LoaderEvent): ManagerEvent | undefined {
  const system = CLASS_BITS.system;
  const module = event.module ?? '';
  switch (event.event) {
    case 'load':
      return { name: 'Load', bits: system, fields: [['Module', module], ['Status', 'Success']] };
    case 'load_failed':
      return { name: 'Load', bits: system, fields: [['Module', module], ['Status', 'Failure']] };
    case 'declined':
      return { name: 'Load', bits: system, fields: [['Module', module], ['Status', 'Decline']] };
    case 'unload':
      return { name: 'Unload', bits: system, fields: [['Module', module], ['Status', 'Success']] };
    case 'reload':
      return { name: 'Reload', bits: system, fields: [['Module', module], ['Status', event.result === 'success' ? RELOAD_SUCCESS : RELOAD_ERROR]] };
    default:
      return undefined;
  }
}
