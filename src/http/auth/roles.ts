/**
 * Roles (SPEC 11): `read` (GETs and events) < `operate` (load, unload, reload, users,
 * actions) < `admin` (firm unload, config reload, rescan). Each includes the ones before it.
 */
import { TOKEN_ROLES, type TokenRole } from '../../conf/tokens.js';

export type Role = TokenRole;
export const ROLES = TOKEN_ROLES;

/** True when `held` includes `needed`. */
export function roleIncludes(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}
