/**
 * The graph pane: the view, its filters (name, states) and the focus view. Unfocused, every
 * module is drawn and the filter dims what does not match; focused, only the chosen module's
 * family (what it uses and what uses it, transitively) is drawn, or with none chosen only the
 * modules that match, each laid out on its own so a few dozen modules of a 390-module tree
 * read at full size. Layouts are kept per drawn set, so going back is instant.
 */
import { MODULE_STATES } from '../../src/core/types.js';
import type { Graph } from './types.js';
import { byId, h } from './dom.js';
import { GraphView } from './graph-view.js';
import { type Layout, layoutGraph } from './layout.js';
import { family, type Filter, matchesFilter, type Model } from './model.js';

const STATE_FILTERS = [...MODULE_STATES, 'stale'] as const;
const KEPT_LAYOUTS = 24;

export class GraphPane {
  readonly view: GraphView;
  private readonly filterInput = byId<HTMLInputElement>('filter');
  private readonly focusBox = byId<HTMLInputElement>('focus');
  private readonly shownStates = new Set<string>(STATE_FILTERS);
  private readonly layouts = new Map<string, Layout>();
  private drawnKey = '';
  private drawnCount = 0;
  private selected: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly model: Model,
    private readonly navigate: (name: string | null) => void,
  ) {
    this.view = new GraphView(byId('graph'), navigate);
    const statesHost = byId('states');
    for (const state of STATE_FILTERS) {
      const toggle = h(
        'button',
        { type: 'button', class: `state-filter state-${state}`, 'data-state': state, 'aria-pressed': 'true', title: `show or hide ${state} modules` },
        h('span', { class: 'swatch' }),
        state,
      );
      toggle.addEventListener('click', () => {
        const shown = !this.shownStates.has(state);
        if (shown) this.shownStates.add(state);
        else this.shownStates.delete(state);
        toggle.setAttribute('aria-pressed', String(shown));
        this.filterChanged();
      });
      statesHost.append(toggle);
    }
    this.filterInput.addEventListener('input', () => this.filterChanged());
    this.filterInput.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      const matches = this.view.matching();
      if (matches.length === 1) this.navigate(matches[0]!);
      else this.view.fit(matches);
    });
    this.focusBox.addEventListener('change', () => {
      this.redraw();
      if (!this.focusBox.checked) this.view.fit();
    });
    byId('fit').onclick = () => this.view.fit(this.filter().text ? this.view.matching() : undefined);
    byId('zoom-in').onclick = () => this.view.zoom(1.25);
    byId('zoom-out').onclick = () => this.view.zoom(0.8);
  }

  /** Takes a `GET /graph` answer: redraws when what is drawn changed, else recolours. */
  update(answer: Graph): void {
    this.model.setGraph(answer);
    this.redraw();
  }

  /** Recolours modules whose state changed (from an event). */
  refresh(names: Iterable<string>): void {
    this.view.refresh(this.model, names);
    this.showCount();
  }

  select(name: string | null): void {
    this.selected = name;
    this.view.select(name);
    if (this.focusBox.checked) this.redraw();
    else if (name) this.view.reveal(name);
  }

  /** Marks the modules an action's preview touches. */
  mark(names: ReadonlySet<string> | null): void {
    this.view.setAffected(names);
  }

  private filter(): Filter {
    return { text: this.filterInput.value.trim(), states: this.shownStates };
  }

  private filterChanged(): void {
    if (!this.focusBox.checked || this.selected) {
      this.showCount();
      return;
    }
    // Focused on the matches: lay out again once the typing pauses.
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.redraw(), 150);
  }

  /** The modules to draw. */
  private visible(): string[] {
    const all = [...this.model.nodes.keys()];
    if (!this.focusBox.checked) return all;
    if (this.selected && this.model.nodes.has(this.selected)) return [...family(this.selected, this.model.edges)];
    const filter = this.filter();
    return all.filter((name) => matchesFilter(this.model.nodes.get(name)!, filter));
  }

  private redraw(): void {
    const names = this.visible().sort();
    const aspect = Math.round(this.view.aspect() * 10) / 10;
    const key = `${this.model.structure}#${aspect}#${names.join(',')}`;
    if (key === this.drawnKey) {
      this.view.refresh(this.model);
      this.showCount();
      return;
    }
    let layout = this.layouts.get(key);
    if (!layout) {
      const started = performance.now();
      layout = layoutGraph(names, this.model.edges, aspect);
      document.body.dataset.layoutMs = String(Math.round(performance.now() - started));
      this.layouts.set(key, layout);
      if (this.layouts.size > KEPT_LAYOUTS) this.layouts.delete(this.layouts.keys().next().value!);
    }
    const first = this.drawnKey === '';
    this.view.draw(this.model, layout);
    this.drawnKey = key;
    this.drawnCount = names.length;
    if (first || this.focusBox.checked) this.view.fit();
    if (this.selected && !this.focusBox.checked) this.view.reveal(this.selected);
    this.showCount();
  }

  private showCount(): void {
    const count = this.view.setFilter(this.filter());
    const total = this.model.nodes.size;
    byId('match-count').textContent = this.focusBox.checked
      ? `${this.drawnCount} of ${total} shown${this.selected ? `: ${this.selected} and its family` : ''}`
      : `${count} of ${total} match`;
  }
}
