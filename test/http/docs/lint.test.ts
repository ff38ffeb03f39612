/**
 * The committed documents pass the linter API tooling runs: `redocly lint` with its
 * recommended rules, 0 errors and 0 warnings (operationIds, servers, security, a 2xx or
 * default answer on every operation, …).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_FILES } from '../../../src/http/docs/committed.js';
import { packageRoot } from '../../../src/http/settings.js';

const root = packageRoot();

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }>;
}

describe('redocly lint (recommended rules)', () => {
  for (const file of Object.values(DOCUMENT_FILES)) {
    it(`finds nothing in openapi/${file}`, async () => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(root, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', join(root, 'openapi', file), '--format=json'],
        { cwd: root, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' } },
      );
      const report = JSON.parse(stdout) as LintReport;
      const found = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
      expect(found).toEqual([]);
      expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    });
  }
});
