import { describe, expect, it } from 'vitest';
import { ERROR_CODES, LoaderError } from '../../src/core/errors.js';
import { HttpProblem, STATUS_BY_CODE, toProblem } from '../../src/http/problem.js';

const request = { id: 'req-1', url: '/modules/chan_sip/unload?x=1' };

describe('the status table', () => {
  it('gives every code of SPEC 9 the status it assigns; the core has only codes SPEC 9 lists', () => {
    const spec: Record<number, string[]> = {
      400: ['invalid_request'],
      401: ['unauthorized'],
      403: ['forbidden'],
      404: ['unknown_module', 'user_not_found'],
      409: ['in_use', 'not_running', 'neverload', 'dependency_cycle', 'unresolved_dependency', 'checksum_mismatch', 'load_failed', 'lib_blocked'],
      413: ['payload_too_large'],
      422: ['manifest_invalid'],
    };
    const fromSpec = Object.entries(spec).flatMap(([status, codes]) => codes.map((code) => [code, Number(status)] as const));
    const specCodes = fromSpec.map(([code]) => code);
    expect(specCodes).toEqual(expect.arrayContaining(Object.keys(ERROR_CODES)));
    expect(Object.keys(STATUS_BY_CODE)).toEqual(expect.arrayContaining(specCodes));
    for (const [code, status] of fromSpec) expect(STATUS_BY_CODE[code as keyof typeof STATUS_BY_CODE]).toBe(status);
  });
});

describe('toProblem', () => {
  it('renders a loader error as problem+json members with its details', () => {
    const users = [{ id: 'u1' }];
    const problem = toProblem(new LoaderError('in_use', 'chan_sip is in use', { users }), request);
    expect(problem).toEqual({
      type: 'urn:modloader:problem:in_use',
      title: ERROR_CODES.in_use,
      status: 409,
      detail: 'chan_sip is in use',
      code: 'in_use',
      instance: '/modules/chan_sip/unload',
      request_id: 'req-1',
      users,
    });
  });

  it('keeps the status of an HTTP-layer problem', () => {
    expect(toProblem(new HttpProblem('invalid_request', 'upgrade', {}, 426), request)).toMatchObject({ status: 426, code: 'invalid_request' });
  });

  it('never lets details overwrite the standard members', () => {
    const problem = toProblem(new LoaderError('load_failed', 'x', { status: 200, code: 'ok', module: 'chan_sip' }), request);
    expect(problem).toMatchObject({ status: 409, code: 'load_failed', module: 'chan_sip' });
  });

  it('answers anything unexpected as a 500 internal_error without its message', () => {
    const problem = toProblem(new Error('secret internals'), request);
    expect(problem).toMatchObject({ status: 500, code: 'internal_error' });
    expect(problem.detail).not.toContain('secret');
  });
});
