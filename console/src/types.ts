/**
 * The API's answers as the console reads them (no DOM here: the unit tests import these
 * modules under Node). The core's types where the service passes them through, and the few
 * the HTTP layer adds.
 */
import type { Graph, LoaderEvent } from '../../src/core/types.js';
import type { ControlMessage } from '../../src/http/schemas/events.js';

export type Role = 'read' | 'operate' | 'admin';
const ROLE_ORDER: readonly Role[] = ['read', 'operate', 'admin'];

/** True when `held` includes `needed` (read < operate < admin). */
export function roleIncludes(held: Role, needed: Role): boolean {
  return ROLE_ORDER.indexOf(held) >= ROLE_ORDER.indexOf(needed);
}

export interface Whoami {
  client: string;
  role: Role;
  tokens_enabled: boolean;
}

/** A node of `GET /graph` as the core answers it: name, state and `stale` flag. */
export type GraphNode = Graph['nodes'][number];

/** The stream's own messages (docs/events.md), as the service's schemas define them. */
export type { ControlMessage };
export type StreamMessage = LoaderEvent | ControlMessage;

/** What `GET /health` says that the page uses. */
export interface Health {
  boot_id: string;
  next_seq: number;
}

export type { DependencyInfo, Graph, GraphEdge, LoaderEvent, ModuleDetail, ModuleState, OpResult, PlanStep, ProviderInfo, UserInfo, WhyChain } from '../../src/core/types.js';
