/**
 * The API's answers as the console reads them (no DOM here: the unit tests import these
 * modules under Node). The core's types where the service passes them through, and the few
 * the HTTP layer adds.
 */
import type { Graph, LoaderEvent } from '../../src/core/types.js';

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

export type GraphNode = Graph['nodes'][number] & { stale: boolean };
export type GraphAnswer = Omit<Graph, 'nodes'> & { nodes: GraphNode[] };

/** The stream's own messages (docs/events.md). */
export type ControlMessage =
  | { event: 'live'; time: string; next_seq: number }
  | { event: 'heartbeat'; time: string; next_seq: number }
  | { event: 'gap'; time: string; from: number; to: number; reason: 'history_exhausted' | 'since_ahead' }
  | { event: 'cut_off'; time: string; reason: 'slow_subscriber' | 'shutdown'; last_seq: number | null };

export type StreamMessage = LoaderEvent | ControlMessage;

export type { DependencyInfo, Graph, GraphEdge, LoaderEvent, ModuleDetail, ModuleState, OpResult, PlanStep, ProviderInfo, UserInfo, WhyChain } from '../../src/core/types.js';
