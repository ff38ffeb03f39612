import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocuments } from '../../../src/http/docs/documents.js';
import { call } from '../support/call.js';
import { startService, type TestService } from '../support/service.js';

let s: TestService;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

describe('GET /health', () => {
  it('answers ok with what runs', async () => {
    const answer = await call(s.app, 'GET', '/health');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ status: 'ok', modules_running: s.loader.list({ state: 'running' }).length, next_seq: s.loader.nextSeq });
  });
});

describe('GET /metrics', () => {
  it('counts modules by state and operations by kind and result', async () => {
    await call(s.app, 'POST', '/modules/func_cut/load');
    await call(s.app, 'POST', '/modules/app_system/load');
    const answer = await call(s.app, 'GET', '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const running = s.loader.list({ state: 'running' }).length;
    expect(answer.body).toContain(`modloader_modules{state="running"} ${running}`);
    expect(answer.body).toContain('modloader_operations_total{kind="startup",result="ok"} 1');
    expect(answer.body).toContain('modloader_operations_total{kind="load",result="ok"} 1');
    expect(answer.body).toContain('modloader_operations_total{kind="load",result="neverload"} 1');
    expect(answer.body).toMatch(/modloader_operation_duration_seconds_count\{kind="load",result="ok"\} 1/);
    expect(answer.body).toContain('modloader_event_subscribers 0');
    expect(answer.body).toMatch(/modloader_events_published_total \d+/);
  });
});

describe('documents', () => {
  it('serves the OpenAPI document the code generates, and the AsyncAPI one', async () => {
    const generated = await generateDocuments();
    expect((await call(s.app, 'GET', '/openapi.json')).json).toEqual(generated.openapi);
    expect((await call(s.app, 'GET', '/asyncapi.json')).json).toEqual(generated.asyncapi);
  });

  it("serves the documentation UI at /docs, with the product's title, logo and icon", async () => {
    const answer = await call(s.app, 'GET', '/docs/');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(answer.body).toContain('<title>modloader management API</title>');
    expect(answer.body).toContain('theme/modloader.svg');
    expect(answer.body).not.toContain('favicon-32x32.png');
    const initializer = await call(s.app, 'GET', '/docs/static/swagger-initializer.js');
    expect(initializer.status).toBe(200);
    const logo = /data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(initializer.body)?.[1];
    expect(Buffer.from(logo ?? '', 'base64').toString()).toContain('>modloader</text>');
    expect((await call(s.app, 'GET', '/docs/json')).json).toEqual((await generateDocuments()).openapi);
    const bundle = await call(s.app, 'GET', '/docs/static/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
  });
});

describe('routes that do not exist', () => {
  it('answer 404 not_found as problem+json', async () => {
    const answer = await call(s.app, 'GET', '/modules/chan_sip/colour');
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.json.code).toBe('not_found');
  });
});

describe('GET /events without the websocket upgrade', () => {
  it('answers 426 invalid_request', async () => {
    const answer = await call(s.app, 'GET', '/events');
    expect(answer.status).toBe(426);
    expect(answer.json.code).toBe('invalid_request');
  });
});
