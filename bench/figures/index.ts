/** Every figure group of the suite, in the order they run. A group measures one or more figures. */
import type { FigureResult } from '../report/figure.js';
import type { BenchContext } from '../support/context.js';
import { bootFigure } from './boot.js';
import { eventFigures } from './events.js';
import { heapFigure } from './heap.js';
import { httpFigures } from './http.js';
import { loadUnloadFigure } from './load-unload.js';
import { planFigures } from './plan.js';
import { scanFigure } from './scan.js';
import { startupFigures } from './startup.js';

export interface FigureGroup {
  /** The figures it measures (issue 5's numbering; 10-12 from issue 14). */
  ids: number[];
  run: (ctx: BenchContext) => Promise<FigureResult[]>;
}

export const GROUPS: readonly FigureGroup[] = [
  { ids: [1, 2], run: planFigures },
  { ids: [3], run: loadUnloadFigure },
  { ids: [4, 5], run: httpFigures },
  { ids: [6, 7], run: eventFigures },
  { ids: [8], run: scanFigure },
  { ids: [9], run: heapFigure },
  { ids: [10, 11], run: startupFigures },
  { ids: [12], run: bootFigure },
];
