// Builds the OpenAPI 3.1 document from the route registry: zod schemas become JSON Schema 2020-12
// (OpenAPI 3.1's own dialect), shared resources become components, error codes get their statuses.
import { z } from 'zod';
import { AppError, type ErrorCode } from '../../src/domain/errors.js';
import * as R from '../../src/domain/responses.js';
import { AuditEntry, MailEntry } from '../../src/domain/schemas.js';
import { API_ROUTES, openApiPath, pathParams, type ApiRoute } from './api-routes.js';

type Json = Record<string, unknown>;

/** Resources that many answers share, under their component names. */
const COMPONENTS: [string, z.ZodType][] = [
  ['Error', R.ErrorResponse],
  ['User', R.PublicUserView],
  ['Session', R.PublicSessionView],
  ['License', R.LicenseView],
  ['Settings', R.SettingsView],
  ['SiteSettings', R.SiteSettingsView],
  ['MailOutcome', R.MailOutcome],
  ['LinkResult', R.LinkResultView],
  ['MailEntry', MailEntry],
  ['MailMessage', R.MailMessageView],
  ['AuditEntry', AuditEntry],
  ['UserPage', R.UserPage],
  ['SessionPage', R.SessionPage],
  ['MailPage', R.MailPage],
  ['AuditPage', R.AuditPage],
  ['Ok', R.Ok],
];

export const operationId = (r: ApiRoute): string =>
  r.method +
  r.path
    .replace(/^\/api/, '')
    .split(/[/.-]/)
    .filter(Boolean)
    .map((seg) => (seg.startsWith(':') ? 'By' + cap(seg.slice(1)) : cap(seg)))
    .join('');
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const statusOf = (code: ErrorCode): number => new AppError(code, '').status;

/** The error codes a route can answer, its own and those its caller, query and body imply. */
export function errorCodes(r: ApiRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>(r.errors ?? []);
  if (r.caller !== 'anyone' && r.caller !== 'loopback')
    ['unauthorized', 'session_terminated', 'account_inactive'].forEach((c) => codes.add(c as ErrorCode));
  if (typeof r.caller === 'object') codes.add('forbidden');
  if (r.query) codes.add('validation_failed');
  if (r.body)
    ['invalid_json', 'validation_failed', 'unsupported_media_type', 'payload_too_large'].forEach((c) =>
      codes.add(c as ErrorCode),
    );
  if (r.method !== 'get') codes.add('storage_unavailable');
  return [...codes];
}

function strip(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function callerText(c: ApiRoute['caller']): string {
  if (c === 'anyone') return 'Anyone.';
  if (c === 'loopback') return "Anyone on the server's own machine (a loopback address).";
  if (c === 'token') return 'Any signed-in caller: a session token or an API token.';
  if (c === 'session') return 'A session token (not an API token).';
  const siteOnly = ['license:write', 'settings:write', 'resend'].includes(c.permission);
  return siteOnly
    ? `Site Administrators (permission \`${c.permission}\`).`
    : `Site and User Administrators (permission \`${c.permission}\`).`;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: Json;
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; securitySchemes: Json };
  [k: string]: unknown;
}

export function buildOpenApiDocument(version: string): OpenApiDocument {
  // Answers go through one registry, so shared resources are $refs to components.
  const registry = z.registry<{ id: string }>();
  const known = new Map<z.ZodType, string>();
  for (const [id, schema] of COMPONENTS) {
    registry.add(schema, { id });
    known.set(schema, id);
  }
  for (const r of API_ROUTES) {
    const s = r.ok.schema;
    if (s && !known.has(s)) {
      const id = cap(operationId(r)) + 'Response';
      registry.add(s, { id });
      known.set(s, id);
    }
  }
  const converted = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const schemas: Record<string, Json> = {};
  for (const [id, s] of Object.entries(converted.schemas)) schemas[id] = strip(s as Json);
  const input = (s: z.ZodType) =>
    strip(z.toJSONSchema(s, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json);

  const paths: OpenApiDocument['paths'] = {};
  for (const r of API_ROUTES) {
    const parameters: Json[] = pathParams(r.path).map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (r.query) {
      const q = input(r.query) as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        const { description, ...rest } = schema;
        parameters.push({
          name,
          in: 'query',
          required: (q.required ?? []).includes(name),
          schema: rest,
          ...(description ? { description } : {}),
        });
      }
    }
    const responses: Record<string, Json> = {};
    const okId = r.ok.schema ? known.get(r.ok.schema) : undefined;
    responses[String(r.ok.status)] = {
      description: r.ok.description,
      content: okId
        ? { 'application/json': { schema: { $ref: `#/components/schemas/${okId}` } } }
        : { [r.ok.contentType ?? 'application/octet-stream']: {} },
    };
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of errorCodes(r)) byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
    for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
      if (r.page) {
        responses[String(status)] = {
          description: `${codes.map((c) => `\`${c}\``).join(', ')}: explained on the page`,
          content: { 'text/html': {} },
        };
        continue;
      }
      responses[String(status)] = {
        description: codes.map((c) => `\`${c}\``).join(', '),
        content: {
          'application/json': {
            schema: {
              allOf: [
                { $ref: '#/components/schemas/Error' },
                { properties: { error: { properties: { code: { enum: codes } } } } },
              ],
            },
          },
        },
      };
    }
    const op: Json = {
      operationId: operationId(r),
      tags: [r.tag],
      summary: r.summary,
      description: [r.description, `**Who:** ${callerText(r.caller)}`].filter(Boolean).join('\n\n'),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: input(r.body) } } } }
        : {}),
      ...(r.page?.form
        ? {
            requestBody: {
              required: true,
              content: { 'application/x-www-form-urlencoded': { schema: input(r.page.form) } },
            },
          }
        : {}),
      responses,
      security: r.caller === 'anyone' || r.caller === 'loopback' ? [] : [{ bearer: [] }],
      ...(typeof r.caller === 'object' ? { 'x-seatdesk-permission': r.caller.permission } : {}),
    };
    (paths[openApiPath(r.path)] ??= {})[r.method] = op;
  }

  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Seatdesk API',
      version,
      description:
        'Licensed seats, user accounts and login sessions, and the mail Seatdesk sends. JSON in and out; every error is `{"error":{"code","message"}}` with a fitting status. Authenticate with `Authorization: Bearer <session or API token>`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: [...new Set(API_ROUTES.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A session token from POST /api/auth/login, or an API token from POST /api/tokens.',
        },
      },
    },
  };
}
