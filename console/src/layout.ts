/**
 * Where each module goes. The modules that have edges are layered by dagre: users on the
 * left, what they use to their right, the order within a layer chosen to cross few edges.
 * A real module tree has layers far taller than wide (fifty modules all using res_pjsip), so a
 * layer taller than the view's shape allows is wrapped into several columns, as many as make
 * the whole fit the view at the largest scale; edges are then drawn as direct curves. The
 * modules without any edge, most of a real Asterisk tree, are packed into a grid beside or
 * below, whichever keeps the picture closest to the view's shape. Labels are monospace, so
 * widths are known without measuring text; the layout is pure and deterministic.
 */
import dagre from '@dagrejs/dagre';

export interface LayoutNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Point = { x: number; y: number };

export interface Layout {
  width: number;
  height: number;
  nodes: Map<string, LayoutNode>;
  /** Points of each edge's path (a B-spline's control points), by {@link edgeKey}. */
  edges: Map<string, Point[]>;
}

export interface LayoutEdge {
  from: string;
  to: string;
  kind: string;
  type: string;
  name: string;
}

/** Width of one label character in px (11 px monospace) and the node's padding and height. */
export const CHAR_WIDTH = 6.7;
export const NODE_HEIGHT = 22;
const PADDING = 14;
const MARGIN = 20;
const GAP = 60;
const NODE_SEP = 6;
const RANK_SEP = 70;
/** Between the columns of one wrapped layer. */
const COLUMN_SEP = 18;
/** Wrapping must make the picture this much larger on screen to be worth losing dagre's routing. */
const WRAP_GAIN = 1.15;

export function nodeWidth(name: string): number {
  return Math.ceil(name.length * CHAR_WIDTH + PADDING);
}

export function edgeKey(edge: LayoutEdge): string {
  return `${edge.from}>${edge.to}:${edge.kind}:${edge.type}=${edge.name}`;
}

interface Part {
  width: number;
  height: number;
}

/** The scale at which `part` fits a view of aspect `aspect` (width / height), up to a constant. */
function fitScale(part: Part, aspect: number): number {
  return Math.min(aspect / part.width, 1 / part.height);
}

/** A wrapped layer: its columns, each a run of its nodes in dagre's order. */
function columnsOf(layer: readonly string[], perColumn: number): string[][] {
  const columns: string[][] = [];
  for (let i = 0; i < layer.length; i += perColumn) columns.push(layer.slice(i, i + perColumn));
  return columns;
}

function wrappedSize(layers: ReadonlyArray<readonly string[]>, perColumn: number): Part {
  let width = 0;
  let height = 0;
  for (const layer of layers) {
    const columns = columnsOf(layer, perColumn);
    width += columns.reduce((w, column) => w + Math.max(...column.map(nodeWidth)), 0) + (columns.length - 1) * COLUMN_SEP;
    height = Math.max(height, ...columns.map((c) => c.length * (NODE_HEIGHT + NODE_SEP) - NODE_SEP));
  }
  return { width: width + (layers.length - 1) * RANK_SEP, height };
}

function layered(names: readonly string[], edges: readonly LayoutEdge[], aspect: number, layout: Layout): Part {
  if (names.length === 0) return { width: 0, height: 0 };
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: NODE_SEP, ranksep: RANK_SEP, edgesep: 4, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const name of names) g.setNode(name, { width: nodeWidth(name), height: NODE_HEIGHT });
  for (const edge of edges) g.setEdge(edge.from, edge.to, {}, edgeKey(edge));
  dagre.layout(g);
  const graph = g.graph();
  const routed: Part = { width: graph.width ?? 0, height: graph.height ?? 0 };

  // dagre's layers (one x each, left to right), each top to bottom.
  const byX = new Map<number, string[]>();
  for (const name of names) {
    const x = Math.round(g.node(name).x);
    byX.set(x, [...(byX.get(x) ?? []), name]);
  }
  const layers = [...byX.entries()].sort((a, b) => a[0] - b[0]).map(([, layer]) => layer.sort((a, b) => g.node(a).y - g.node(b).y));

  let best: { perColumn: number; size: Part } | null = null;
  const tallest = Math.max(...layers.map((l) => l.length));
  for (let columns = 2; columns <= 12 && Math.ceil(tallest / columns) >= 3; columns++) {
    const perColumn = Math.ceil(tallest / columns);
    const size = wrappedSize(layers, perColumn);
    if (fitScale(size, aspect) > fitScale(best?.size ?? routed, aspect) * (best ? 1 : WRAP_GAIN)) best = { perColumn, size };
  }

  if (!best) {
    for (const name of names) {
      const n = g.node(name);
      layout.nodes.set(name, { x: n.x - n.width / 2 + MARGIN, y: n.y - n.height / 2 + MARGIN, width: n.width, height: n.height });
    }
    for (const e of g.edges()) {
      const points: Point[] = g.edge(e).points ?? [];
      layout.edges.set(e.name ?? '', points.map((p) => ({ x: p.x + MARGIN, y: p.y + MARGIN })));
    }
    return routed;
  }

  let x = MARGIN;
  for (const layer of layers) {
    for (const column of columnsOf(layer, best.perColumn)) {
      const width = Math.max(...column.map(nodeWidth));
      const height = column.length * (NODE_HEIGHT + NODE_SEP) - NODE_SEP;
      let y = MARGIN + (best.size.height - height) / 2;
      for (const name of column) {
        layout.nodes.set(name, { x, y, width: nodeWidth(name), height: NODE_HEIGHT });
        y += NODE_HEIGHT + NODE_SEP;
      }
      x += width + COLUMN_SEP;
    }
    x += RANK_SEP - COLUMN_SEP;
  }
  for (const edge of edges) {
    const a = layout.nodes.get(edge.from)!;
    const b = layout.nodes.get(edge.to)!;
    const start = { x: a.x + a.width, y: a.y + a.height / 2 };
    const end = { x: b.x, y: b.y + b.height / 2 };
    const bend = Math.max(20, (end.x - start.x) / 3);
    layout.edges.set(edgeKey(edge), [start, { x: start.x + bend, y: start.y }, { x: end.x - bend, y: end.y }, end]);
  }
  return best.size;
}

/** A grid of `names` at (x0, y0) with `columns` columns. */
function grid(names: readonly string[], columns: number, x0: number, y0: number, layout: Layout): void {
  const cell = Math.max(...names.map(nodeWidth)) + 10;
  names.forEach((name, i) => {
    const x = x0 + (i % columns) * cell;
    const y = y0 + Math.floor(i / columns) * (NODE_HEIGHT + NODE_SEP);
    layout.nodes.set(name, { x, y, width: nodeWidth(name), height: NODE_HEIGHT });
  });
}

/**
 * Lays out `names` (and the edges between them) for a view of shape `aspect` (width /
 * height). O(dagre) on the modules with edges, linear for the rest.
 */
export function layoutGraph(names: readonly string[], edges: readonly LayoutEdge[], aspect = 1.6): Layout {
  const known = new Set(names);
  const usable = edges.filter((e) => known.has(e.from) && known.has(e.to) && e.from !== e.to);
  const linked = new Set<string>();
  for (const e of usable) linked.add(e.from).add(e.to);
  const connected = [...names].filter((n) => linked.has(n)).sort();
  const isolated = [...names].filter((n) => !linked.has(n)).sort();

  const layout: Layout = { width: 0, height: 0, nodes: new Map(), edges: new Map() };
  const main = layered(connected, usable, aspect, layout);
  let size: Part = main;
  if (isolated.length > 0) {
    const cell = Math.max(...isolated.map(nodeWidth)) + 10;
    const row = NODE_HEIGHT + NODE_SEP;
    const gap = main.width ? GAP : 0;
    // Below the layers, as wide as they are; or beside them, as tall as they are.
    const belowColumns = Math.max(1, Math.min(isolated.length, Math.floor(Math.max(main.width, 4 * cell) / cell)));
    const below: Part = { width: Math.max(main.width, belowColumns * cell), height: main.height + gap + Math.ceil(isolated.length / belowColumns) * row };
    const rows = Math.max(1, Math.floor(Math.max(main.height, 8 * row) / row));
    const besideColumns = Math.ceil(isolated.length / rows);
    const beside: Part = { width: main.width + gap + besideColumns * cell, height: Math.max(main.height, Math.min(rows, isolated.length) * row) };
    if (fitScale(below, aspect) >= fitScale(beside, aspect)) {
      grid(isolated, belowColumns, MARGIN, MARGIN + main.height + gap, layout);
      size = below;
    } else {
      grid(isolated, besideColumns, MARGIN + main.width + gap, MARGIN, layout);
      size = beside;
    }
  }
  layout.width = size.width + 2 * MARGIN;
  layout.height = size.height + 2 * MARGIN;
  return layout;
}
