/** Boot ids (SPEC 10): made before the service is composed, by the early listener too. */
import { randomBytes } from 'node:crypto';

/** A boot id: 12 random hex digits (48 bits), new at every start. */
export function newBootId(): string {
  return randomBytes(6).toString('hex');
}
