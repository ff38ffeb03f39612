/** The written docs keep up with the code: every error code, event and metric is described. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '../../../src/core/types.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { STATUS_BY_CODE } from '../../../src/http/problem.js';
import { packageRoot } from '../../../src/http/settings.js';

const doc = (name: string): Promise<string> => readFile(join(packageRoot(), 'docs', name), 'utf8');

describe('docs/api.md', () => {
  it('gives every error code with its status', async () => {
    const text = await doc('api.md');
    for (const [code, status] of Object.entries(STATUS_BY_CODE)) expect(text, code).toContain(`| ${status} | \`${code}\` |`);
  });
});

describe('docs/events.md', () => {
  it('describes every event', async () => {
    const text = await doc('events.md');
    for (const name of EVENT_NAMES) expect(text, name).toContain(`\`${name}\``);
  });
});

describe('docs/operations.md', () => {
  it('lists every metric of the service', async () => {
    const text = await doc('operations.md');
    const metrics = createMetrics({
      loader: () => ({ list: () => [] }) as never,
      subscribers: () => 0,
      readiness: () => ({ ready: false, startupSeconds: null }),
    });
    expect(metrics.definitions.length).toBeGreaterThan(15);
    for (const metric of metrics.definitions) expect(text, metric.name).toContain(`\`${metric.name}\``);
  });
});
