import { describe, expect, it } from 'vitest';
import { asteriskDataPath, asteriskManifest, readAsteriskEntries } from '../../bench/graph/asterisk-set.js';
import { edgeKey, type Layout, layoutGraph, type LayoutEdge, NODE_HEIGHT } from '../../console/src/layout.js';

const edge = (from: string, to: string, kind = 'uses'): LayoutEdge => ({ from, to, kind, type: 'module', name: to });

function overlaps(layout: Layout): string[] {
  const boxes = [...layout.nodes.entries()];
  const found: string[] = [];
  boxes.forEach(([a, p], i) => {
    for (const [b, q] of boxes.slice(i + 1)) {
      if (p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height) found.push(`${a}/${b}`);
    }
  });
  return found;
}

function inside(layout: Layout): boolean {
  return [...layout.nodes.values()].every((b) => b.x >= 0 && b.y >= 0 && b.x + b.width <= layout.width && b.y + b.height <= layout.height);
}

/** The scale at which the layout fits a 1.6:1 view of height 1. */
const fit = (layout: Layout): number => Math.min(1.6 / layout.width, 1 / layout.height);

describe('layoutGraph', () => {
  it('places every module once, inside the picture, none over another', () => {
    const names = ['chan_sip', 'pbx_config', 'app_dial', 'app_stack', 'func_cut', 'app_system', 'func_shell'];
    const edges = [edge('chan_sip', 'pbx_config'), edge('pbx_config', 'app_dial'), edge('pbx_config', 'app_stack'), edge('chan_sip', 'func_cut', 'canuse')];
    const layout = layoutGraph(names, edges);
    expect([...layout.nodes.keys()].sort()).toEqual([...names].sort());
    expect(overlaps(layout)).toEqual([]);
    expect(inside(layout)).toBe(true);
    // Users left of what they use; modules without edges are packed apart, in a grid.
    expect(layout.nodes.get('chan_sip')!.x).toBeLessThan(layout.nodes.get('pbx_config')!.x);
    expect(layout.nodes.get('pbx_config')!.x).toBeLessThan(layout.nodes.get('app_dial')!.x);
    expect(layout.nodes.get('app_system')!.y).toBe(layout.nodes.get('func_shell')!.y);
  });

  it('gives every edge a path from its user to the module it uses', () => {
    const edges = [edge('a', 'b'), edge('b', 'c'), edge('a', 'c', 'canuse')];
    const layout = layoutGraph(['a', 'b', 'c'], edges);
    for (const e of edges) {
      const points = layout.edges.get(edgeKey(e))!;
      const from = layout.nodes.get(e.from)!;
      const to = layout.nodes.get(e.to)!;
      expect(points.length).toBeGreaterThanOrEqual(2);
      expect(points[0]!.x).toBeCloseTo(from.x + from.width, 0);
      expect(points.at(-1)!.x).toBeCloseTo(to.x, 0);
    }
  });

  it('ignores edges to modules it was not asked to place (a focused subset)', () => {
    const layout = layoutGraph(['a', 'b'], [edge('a', 'b'), edge('b', 'elsewhere')]);
    expect([...layout.nodes.keys()].sort()).toEqual(['a', 'b']);
    expect([...layout.edges.keys()]).toEqual([edgeKey(edge('a', 'b'))]);
  });

  it('wraps a layer taller than the view into columns: fifty users of one hub', () => {
    const users = Array.from({ length: 50 }, (_, i) => `res_pjsip_user_${String(i).padStart(2, '0')}`);
    const layout = layoutGraph(['res_pjsip', ...users], users.map((u) => edge(u, 'res_pjsip')));
    expect(overlaps(layout)).toEqual([]);
    expect(inside(layout)).toBe(true);
    const columns = new Set(users.map((u) => layout.nodes.get(u)!.x));
    expect(columns.size).toBeGreaterThan(1);
    expect(layout.height).toBeLessThan(25 * (NODE_HEIGHT + 6));
    // Every user is still left of the hub.
    for (const u of users) expect(layout.nodes.get(u)!.x).toBeLessThan(layout.nodes.get('res_pjsip')!.x);
  });

  it('is deterministic', () => {
    const edges = [edge('a', 'b'), edge('c', 'b'), edge('b', 'd')];
    expect(layoutGraph(['d', 'c', 'b', 'a', 'e'], edges)).toEqual(layoutGraph(['a', 'b', 'c', 'd', 'e'], edges));
  });

  it('lays out the real Asterisk tree (387 modules) without overlap, wrapped to fit a screen better', async () => {
    const file = asteriskDataPath();
    expect(file, 'shared/data/asterisk-modules.json').toBeDefined();
    const manifests = (await readAsteriskEntries(file!)).map(asteriskManifest);
    const edges = manifests.flatMap((m) => [
      ...m.uses.map((r) => ({ from: m.name, to: r.name, kind: 'uses', type: r.type, name: r.name })),
      ...m.canuse.map((r) => ({ from: m.name, to: r.name, kind: 'canuse', type: r.type, name: r.name })),
    ]);
    const names = manifests.map((m) => m.name);
    const layout = layoutGraph(names, edges, 1.6);
    expect(layout.nodes.size).toBe(387);
    expect(overlaps(layout)).toEqual([]);
    expect(inside(layout)).toBe(true);
    // Laid out for a tall view instead, the same tree fits a wide one worse.
    expect(fit(layout)).toBeGreaterThan(fit(layoutGraph(names, edges, 0.3)));
  });
});
