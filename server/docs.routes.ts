// GET /api/openapi.json and GET /api/docs: the API's own description, built once from the route registry.
import { Hono } from 'hono';
import { VERSION } from '../src/defaults.js';
import type { AppEnv } from './http/env.js';
import { renderDocsPage } from './openapi/docs-page.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi/document.js';

let doc: { json: string; html: string } | null = null;
const built = () => {
  if (!doc) {
    const d: OpenApiDocument = buildOpenApiDocument(VERSION);
    doc = { json: JSON.stringify(d), html: renderDocsPage(d) };
  }
  return doc;
};

export const docsRoutes = new Hono<AppEnv>()
  .get('/openapi.json', (c) => c.body(built().json, 200, { 'content-type': 'application/json' }))
  .get('/docs', (c) => {
    c.header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
    );
    c.header('X-Content-Type-Options', 'nosniff');
    return c.html(built().html);
  });
