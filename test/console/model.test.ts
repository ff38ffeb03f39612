import { describe, expect, it } from 'vitest';
import { family, matchesFilter, Model, needsResync, stateAfter, structureKey } from '../../console/src/model.js';
import type { GraphEdge, LoaderEvent } from '../../src/core/types.js';

let seq = 0;
const ev = (fields: Record<string, unknown>): LoaderEvent => ({ seq: ++seq, time: '2026-12-01T10:00:00.000Z', ...fields }) as LoaderEvent;
const edge = (from: string, to: string, kind: 'uses' | 'canuse' = 'uses'): GraphEdge => ({ from, to, kind, type: 'module', name: to, user_kind: 'module' });

function model(): Model {
  const m = new Model();
  m.setGraph({
    nodes: [
      { name: 'chan_sip', state: 'running', stale: false },
      { name: 'pbx_config', state: 'running', stale: false },
      { name: 'app_dial', state: 'available', stale: false },
    ],
    edges: [edge('chan_sip', 'pbx_config')],
  });
  return m;
}

describe('the page model', () => {
  it('moves a module through the states its events say', () => {
    const m = model();
    expect(m.apply(ev({ event: 'loading', module: 'app_dial' }))).toBe('app_dial');
    expect(m.nodes.get('app_dial')!.state).toBe('loading');
    expect(m.apply(ev({ event: 'load', module: 'app_dial', state: 'running' }))).toBe('app_dial');
    expect(m.nodes.get('app_dial')!.state).toBe('running');
    expect(m.apply(ev({ event: 'user_add', module: 'app_dial', user: {} }))).toBeUndefined();
    m.apply(ev({ event: 'unloading', module: 'chan_sip' }));
    m.apply(ev({ event: 'unload', module: 'chan_sip', state: 'available' }));
    expect(m.nodes.get('chan_sip')!.state).toBe('available');
    m.apply(ev({ event: 'load_failed', module: 'pbx_config', reason: 'x', outcome: 'throw' }));
    expect(m.nodes.get('pbx_config')!.state).toBe('failed');
    expect(m.apply(ev({ event: 'load', module: 'nope', state: 'running' }))).toBeUndefined();
    expect(m.counts()).toEqual(new Map([['running', 1], ['available', 1], ['failed', 1]]));
  });

  it('marks a module stale as a rescan says, and otherwise keeps what the core said last', () => {
    const m = model();
    expect(m.apply(ev({ event: 'manifest_change', module: 'chan_sip', stale: true }))).toBe('chan_sip');
    expect(m.nodes.get('chan_sip')!.stale).toBe(true);
    // An unload does not clear it here: the page fetches the graph after it, and the core says.
    m.apply(ev({ event: 'unload', module: 'chan_sip', state: 'available' }));
    expect(m.nodes.get('chan_sip')!.stale).toBe(true);
    expect(needsResync(ev({ event: 'unload', module: 'chan_sip', state: 'available' }))).toBe(true);
    m.setGraph({ nodes: [...m.nodes.values()].map((n) => ({ ...n, stale: false })), edges: m.edges });
    expect(m.nodes.get('chan_sip')!.stale).toBe(false);
    expect(m.apply(ev({ event: 'manifest_change', module: 'pbx_config', stale: false }))).toBeUndefined();
  });

  it('says when a graph answer needs a new layout: nodes or edges, not states', () => {
    const m = model();
    const graph = { nodes: [...m.nodes.values()].map((n) => ({ ...n, state: 'available' as const })), edges: [edge('chan_sip', 'pbx_config')] };
    expect(m.setGraph(graph)).toBe(false);
    expect(m.setGraph({ ...graph, edges: [...graph.edges, edge('pbx_config', 'app_dial')] })).toBe(true);
    expect(structureKey({ nodes: [{ name: 'a' }, { name: 'b' }], edges: [] })).toBe(structureKey({ nodes: [{ name: 'b' }, { name: 'a' }], edges: [] }));
  });

  it('asks for a fresh graph after events that may change edges or states it cannot tell', () => {
    expect(needsResync(ev({ event: 'provider_register', module: 'a', type: 't', name: 'n', priority: 0 }))).toBe(true);
    expect(needsResync(ev({ event: 'manifest_add', module: 'a' }))).toBe(true);
    expect(needsResync(ev({ event: 'user_add', module: 'a', user: {} }))).toBe(false);
    expect(stateAfter(ev({ event: 'declined', module: 'a', reason: 'no' }))).toBe('declined');
    expect(stateAfter(ev({ event: 'canuse', module: 'a', used: 'b' }))).toBeUndefined();
  });
});

describe('family', () => {
  it('is the module, all it uses and all that uses it, transitively, canuse included, cycles and all', () => {
    const edges = [edge('a', 'b'), edge('b', 'c'), edge('x', 'a'), edge('y', 'x', 'canuse'), edge('c', 'b'), edge('z', 'c'), edge('q', 'r')];
    expect([...family('b', edges)].sort()).toEqual(['a', 'b', 'c', 'x', 'y', 'z']);
    expect([...family('a', edges)].sort()).toEqual(['a', 'b', 'c', 'x', 'y']);
    expect([...family('lonely', edges)]).toEqual(['lonely']);
  });
});

describe('matchesFilter', () => {
  const all = new Set(['running', 'available', 'stale']);
  it('matches a name substring, any case, and the states shown', () => {
    expect(matchesFilter({ name: 'res_pjsip_nat', state: 'running', stale: false }, { text: 'PJSIP', states: all })).toBe(true);
    expect(matchesFilter({ name: 'chan_sip', state: 'running', stale: false }, { text: 'pjsip', states: all })).toBe(false);
    expect(matchesFilter({ name: 'chan_sip', state: 'running', stale: false }, { text: '', states: new Set(['available']) })).toBe(false);
    expect(matchesFilter({ name: 'chan_sip', state: 'running', stale: true }, { text: '', states: new Set(['stale']) })).toBe(true);
  });
});
