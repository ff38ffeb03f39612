/**
 * The graph as SVG: one `g.node` per module (`data-module`, `data-state`, `data-stale`),
 * coloured by state by the stylesheet, one path per edge (solid for uses, dashed for canuse,
 * coloured by type), with pan (drag), zoom (wheel, buttons) and fit. States change in place as
 * events arrive; only a change of nodes or edges redraws.
 */
import type { GraphEdge } from '../../src/core/types.js';
import { s } from './dom.js';
import { edgeKey, type Layout } from './layout.js';
import { type Filter, matchesFilter, type Model } from './model.js';

const KNOWN_TYPES = new Set(['module', 'application', 'function']);
const MIN_ZOOM = 0.05;
const MAX_ZOOM = 4;
/** Zoom at which labels read comfortably; revealing a node zooms in at least this far. */
const READABLE_ZOOM = 0.9;

function typeClass(type: string): string {
  return KNOWN_TYPES.has(type) ? `t-${type}` : 't-other';
}

/** A smooth path through dagre's points: a uniform cubic B-spline, clamped at both ends. */
function smoothPath(points: ReadonlyArray<{ x: number; y: number }>): string {
  const f = (n: number): string => n.toFixed(1);
  if (points.length < 3) return points.map((p, i) => `${i ? 'L' : 'M'}${f(p.x)},${f(p.y)}`).join('');
  const first = points[0]!;
  const second = points[1]!;
  let d = `M${f(first.x)},${f(first.y)}L${f((5 * first.x + second.x) / 6)},${f((5 * first.y + second.y) / 6)}`;
  // Each step draws the segment around the middle point b, between a and c.
  const spline = (a: { x: number; y: number }, b: { x: number; y: number }, c: { x: number; y: number }): string =>
    `C${f((2 * a.x + b.x) / 3)},${f((2 * a.y + b.y) / 3)} ${f((a.x + 2 * b.x) / 3)},${f((a.y + 2 * b.y) / 3)} ` +
    `${f((a.x + 4 * b.x + c.x) / 6)},${f((a.y + 4 * b.y + c.y) / 6)}`;
  for (let i = 2; i < points.length; i++) d += spline(points[i - 2]!, points[i - 1]!, points[i]!);
  const a = points[points.length - 2]!;
  const b = points[points.length - 1]!;
  return `${d}${spline(a, b, b)}L${f(b.x)},${f(b.y)}`;
}

export class GraphView {
  readonly svg: SVGSVGElement;
  private readonly viewport: SVGGElement;
  private readonly edgeLayer: SVGGElement;
  private readonly nodeLayer: SVGGElement;
  private nodeEls = new Map<string, SVGGElement>();
  private edgeEls: Array<{ el: SVGPathElement; edge: GraphEdge }> = [];
  private layout: Layout | null = null;
  private model: Model | null = null;
  private t = { x: 0, y: 0, k: 1 };
  private filter: Filter | null = null;
  private selected: string | null = null;
  private affected: ReadonlySet<string> | null = null;

  constructor(
    private readonly host: HTMLElement,
    private readonly onSelect: (name: string | null) => void,
  ) {
    this.svg = s('svg', { class: 'graph', role: 'img', 'aria-label': 'module graph' });
    this.svg.append(this.markers());
    this.viewport = s('g', { class: 'viewport' });
    this.edgeLayer = s('g', { class: 'edges' });
    this.nodeLayer = s('g', { class: 'nodes' });
    this.viewport.append(this.edgeLayer, this.nodeLayer);
    this.svg.append(this.viewport);
    host.append(this.svg);
    this.interact();
  }

  /** Redraws for a new layout: the modules it places, and the edges between them. */
  draw(model: Model, layout: Layout): void {
    this.layout = layout;
    this.model = model;
    this.nodeEls.clear();
    this.edgeEls = [];
    const edges: SVGPathElement[] = [];
    for (const edge of model.edges) {
      const points = layout.edges.get(edgeKey(edge));
      if (!points) continue;
      const el = s(
        'path',
        {
          class: `edge ${edge.kind} ${typeClass(edge.type)}`,
          d: smoothPath(points),
          'marker-end': `url(#arrow-${typeClass(edge.type)})`,
          'data-from': edge.from,
          'data-to': edge.to,
        },
        s('title', null, `${edge.from} ${edge.kind} ${edge.type}=${edge.name} → ${edge.to} (${edge.user_kind} user)`),
      );
      this.edgeEls.push({ el, edge });
      edges.push(el);
    }
    const nodes: SVGGElement[] = [];
    for (const [name, box] of layout.nodes) {
      const el = s(
        'g',
        { class: 'node', 'data-module': name, transform: `translate(${box.x},${box.y})`, tabindex: 0 },
        s('rect', { width: box.width, height: box.height, rx: 4 }),
        s('text', { x: 7, y: box.height / 2 + 4 }, name),
        s('title'),
      );
      this.nodeEls.set(name, el);
      nodes.push(el);
    }
    this.edgeLayer.replaceChildren(...edges);
    this.nodeLayer.replaceChildren(...nodes);
    this.refresh(model);
    this.decorate();
  }

  /** Updates the state of `names` (all when omitted) from the model. */
  refresh(model: Model, names?: Iterable<string>): void {
    for (const name of names ?? this.nodeEls.keys()) {
      const el = this.nodeEls.get(name);
      const node = model.nodes.get(name);
      if (!el || !node) continue;
      el.dataset.state = node.state;
      if (node.stale) el.dataset.stale = 'true';
      else delete el.dataset.stale;
      el.lastElementChild!.textContent = `${name}: ${node.state}${node.stale ? ' (stale: runs an older binary)' : ''}`;
    }
    if (this.filter) this.decorate();
  }

  /** Dims what does not match; answers how many modules match. */
  setFilter(filter: Filter): number {
    this.filter = filter;
    return this.decorate();
  }

  select(name: string | null): void {
    this.selected = name;
    this.decorate();
  }

  /** Marks the modules an action's preview would touch (null clears). */
  setAffected(names: ReadonlySet<string> | null): void {
    this.affected = names;
    this.decorate();
  }

  /** The names that match the filter now. */
  matching(): string[] {
    return [...this.nodeEls.keys()].filter((name) => this.matches(name));
  }

  private matches(name: string): boolean {
    const node = this.model?.nodes.get(name);
    return !this.filter || !node || matchesFilter(node, this.filter);
  }

  private decorate(): number {
    const near = new Set<string>();
    if (this.selected) {
      near.add(this.selected);
      for (const { edge } of this.edgeEls) {
        if (edge.from === this.selected) near.add(edge.to);
        if (edge.to === this.selected) near.add(edge.from);
      }
    }
    let count = 0;
    for (const [name, el] of this.nodeEls) {
      const match = this.matches(name);
      if (match) count += 1;
      el.classList.toggle('dim', !match);
      el.classList.toggle('selected', name === this.selected);
      // A preview's marks win over the selection's neighbourhood: what it touches stays bright.
      el.classList.toggle('faded', this.affected ? !this.affected.has(name) : this.selected !== null && !near.has(name));
      el.classList.toggle('affected', this.affected?.has(name) ?? false);
    }
    for (const { el, edge } of this.edgeEls) {
      const incident = edge.from === this.selected || edge.to === this.selected;
      el.classList.toggle('dim', !this.matches(edge.from) || !this.matches(edge.to));
      const marked = this.affected ? this.affected.has(edge.from) && this.affected.has(edge.to) : incident;
      el.classList.toggle('faded', (this.affected !== null || this.selected !== null) && !marked);
      el.classList.toggle('incident', incident);
    }
    return count;
  }

  // ---- view: pan, zoom, fit

  /** Fits the given modules (all when omitted or none match) into the view. */
  fit(names?: readonly string[]): void {
    const boxes = (names && names.length > 0 ? names : [...this.nodeEls.keys()])
      .map((n) => this.layout?.nodes.get(n))
      .filter((b) => b !== undefined);
    if (boxes.length === 0) return;
    const x0 = Math.min(...boxes.map((b) => b.x)) - 20;
    const y0 = Math.min(...boxes.map((b) => b.y)) - 20;
    const x1 = Math.max(...boxes.map((b) => b.x + b.width)) + 20;
    const y1 = Math.max(...boxes.map((b) => b.y + b.height)) + 20;
    const { width, height } = this.size();
    const k = Math.min(width / (x1 - x0), height / (y1 - y0), 1.5);
    this.t = { k, x: (width - (x1 - x0) * k) / 2 - x0 * k, y: (height - (y1 - y0) * k) / 2 - y0 * k };
    this.apply();
  }

  /** Brings a module into view, zoomed in far enough to read. */
  reveal(name: string): void {
    const box = this.layout?.nodes.get(name);
    if (!box) return;
    const { width, height } = this.size();
    const k = Math.max(this.t.k, READABLE_ZOOM);
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const sx = cx * this.t.k + this.t.x;
    const sy = cy * this.t.k + this.t.y;
    if (k === this.t.k && sx > 40 && sx < width - 40 && sy > 40 && sy < height - 40) return;
    this.t = { k, x: width / 2 - cx * k, y: height / 2 - cy * k };
    this.apply();
  }

  zoom(factor: number, at?: { x: number; y: number }): void {
    const { width, height } = this.size();
    const p = at ?? { x: width / 2, y: height / 2 };
    const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.t.k * factor));
    this.t = { k, x: p.x - ((p.x - this.t.x) * k) / this.t.k, y: p.y - ((p.y - this.t.y) * k) / this.t.k };
    this.apply();
  }

  /** The view's shape, width / height (what layouts are made for). */
  aspect(): number {
    const { width, height } = this.size();
    return width / height;
  }

  private size(): { width: number; height: number } {
    const rect = this.svg.getBoundingClientRect();
    return { width: rect.width || this.host.clientWidth || 800, height: rect.height || this.host.clientHeight || 600 };
  }

  private apply(): void {
    this.viewport.setAttribute('transform', `translate(${this.t.x.toFixed(1)},${this.t.y.toFixed(1)}) scale(${this.t.k.toFixed(4)})`);
    this.svg.classList.toggle('far', this.t.k < 0.45);
  }

  private interact(): void {
    let drag: { x: number; y: number; tx: number; ty: number; moved: boolean; id: number } | null = null;
    this.svg.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, tx: this.t.x, ty: this.t.y, moved: false, id: e.pointerId };
    });
    this.svg.addEventListener('pointermove', (e) => {
      if (!drag || drag.id !== e.pointerId) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) this.svg.setPointerCapture(e.pointerId);
      drag.moved = true;
      this.t = { ...this.t, x: drag.tx + dx, y: drag.ty + dy };
      this.apply();
    });
    const end = (e: PointerEvent): void => {
      if (!drag || drag.id !== e.pointerId) return;
      const clicked = !drag.moved;
      drag = null;
      if (!clicked) return;
      const node = (e.target as Element).closest?.('g.node') as SVGGElement | null;
      this.onSelect(node?.dataset.module ?? null);
    };
    this.svg.addEventListener('pointerup', end);
    this.svg.addEventListener('pointercancel', () => (drag = null));
    this.svg.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const rect = this.svg.getBoundingClientRect();
        this.zoom(Math.exp(-e.deltaY * 0.0015), { x: e.clientX - rect.left, y: e.clientY - rect.top });
      },
      { passive: false },
    );
    this.svg.addEventListener('keydown', (e) => {
      const node = (e.target as Element).closest?.('g.node') as SVGGElement | null;
      if (node && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        this.onSelect(node.dataset.module ?? null);
      }
    });
  }

  private markers(): SVGDefsElement {
    const defs = s('defs');
    for (const type of ['t-module', 't-application', 't-function', 't-other']) {
      defs.append(
        s(
          'marker',
          { id: `arrow-${type}`, class: `arrow ${type}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' },
          s('path', { d: 'M0,0L10,5L0,10z' }),
        ),
      );
    }
    return defs;
  }
}
