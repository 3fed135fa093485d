/**
 * The OpenAPI document says what every route answers: each route declares a response schema (the
 * app's route table records it), each operation of the document has a success or redirect answer
 * with its media type — HTML for pages, JSON for the API — and the live-data stream is documented
 * as `text/event-stream`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
let doc: {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { description: string; content?: Record<string, unknown> }> }>
  >;
};
beforeAll(async () => {
  t = await makeTestApp();
  doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
}, 60_000);
afterAll(() => t?.close());

/** Fastify's `/a/:id` as OpenAPI's `/a/{id}`. */
const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
  );

describe('responses', () => {
  it('every route declares what it answers', () => {
    expect(t.app.routeTable.length).toBeGreaterThan(100);
    expect(t.app.routeTable.filter((r) => !r.hasResponse).map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('every documented operation has a success or redirect answer with its media type', () => {
    const ops = operations();
    // Every route not hidden (static files, the document itself, `/`) is in the document.
    const hidden = new Set([
      'GET /api/openapi.json',
      'GET /static/{file}',
      'GET /vendor/uplot/{file}',
      'GET /',
    ]);
    const routes = t.app.routeTable
      .map((r) => `${r.method} ${openapiPath(r.url)}`)
      .filter((r) => !hidden.has(r));
    expect(ops.map((o) => o.route).sort()).toEqual([...new Set(routes)].sort());
    const missing = ops.filter(({ op }) => {
      const ok = Object.entries(op.responses).filter(([code]) => /^[23]/.test(code));
      // A redirect has no body; any other answer names its media type.
      return !ok.length || ok.some(([code, r]) => !code.startsWith('3') && code !== '204' && !r.content);
    });
    expect(missing.map((o) => o.route)).toEqual([]);
  });

  it('documents pages as HTML and the API as JSON', () => {
    expect(Object.keys(doc.paths['/diagnostics/{id}']!.get!.responses['200']!.content!)).toEqual([
      'text/html',
    ]);
    expect(Object.keys(doc.paths['/api/diagnostics/{id}']!.get!.responses['200']!.content!)).toEqual([
      'application/json',
    ]);
    expect(doc.paths['/orders/{id}/transition']!.post!.responses['303']).toBeDefined();
    expect(doc.paths['/api/orders/{id}/transitions']!.post!.responses['200']!.content).toHaveProperty(
      'application/json',
    );
  });

  it('documents the live-data stream as text/event-stream', () => {
    const events = doc.paths['/diagnostics/{id}/events']!.get!.responses;
    expect(Object.keys(events['200']!.content!)).toEqual(['text/event-stream']);
    expect(events['204']).toBeDefined();
  });
});
