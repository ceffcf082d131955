// /api/docs: the OpenAPI document rendered as one self-contained HTML page (no script, no CDN), so
// the reference works offline and under a strict Content-Security-Policy.
import type { OpenApiDocument } from './document.js';

type Json = Record<string, unknown>;

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
/** The little Markdown the descriptions use: `code` and **bold**. */
const md = (s: string) =>
  esc(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\n\n/g, '</p><p>');
const anchor = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '-');

/** A JSON Schema as a short type expression, with components linked. */
function typeOf(s: Json | undefined): string {
  if (!s || Object.keys(s).length === 0) return 'any';
  if (typeof s.$ref === 'string') {
    const name = s.$ref.split('/').pop()!;
    return `<a href="#schema-${anchor(name)}">${esc(name)}</a>`;
  }
  if (Array.isArray(s.anyOf)) return (s.anyOf as Json[]).map(typeOf).join(' | ');
  if (Array.isArray(s.allOf)) return (s.allOf as Json[]).map(typeOf).join(' &amp; ');
  if (Array.isArray(s.enum))
    return (s.enum as unknown[]).map((v) => `<code>${esc(JSON.stringify(v))}</code>`).join(' | ');
  if (s.const !== undefined) return `<code>${esc(JSON.stringify(s.const))}</code>`;
  if (s.type === 'array') return `${typeOf(s.items as Json)}[]`;
  if (Array.isArray(s.type)) return (s.type as string[]).join(' | ');
  if (s.type === 'object' && s.properties) {
    const req = new Set((s.required as string[] | undefined) ?? []);
    return `{${Object.keys(s.properties as Json)
      .map((k) => esc(k) + (req.has(k) ? '' : '?'))
      .join(', ')}}`;
  }
  const limits: string[] = [];
  for (const k of ['minLength', 'maxLength', 'minimum', 'maximum', 'format'] as const)
    if (s[k] !== undefined && Math.abs(Number(s[k])) !== 9007199254740991) limits.push(`${k} ${esc(String(s[k]))}`);
  return `${esc(String(s.type ?? 'any'))}${limits.length ? ` <small>(${limits.join(', ')})</small>` : ''}`;
}

function fields(s: Json): string {
  const props = s.properties as Record<string, Json> | undefined;
  if (!props) return `<p class="type">${typeOf(s)}</p>`;
  const required = new Set((s.required as string[] | undefined) ?? []);
  const rows = Object.entries(props)
    .map(([name, p]) => {
      const nested = p.type === 'object' && p.properties ? fields(p) : '';
      return `<tr><td><code>${esc(name)}</code>${required.has(name) ? '' : ' <small>optional</small>'}</td><td>${typeOf(p)}${nested}</td><td>${p.description ? md(String(p.description)) : ''}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th>field</th><th>type</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderDocsPage(doc: OpenApiDocument): string {
  const info = doc.info as { title: string; version: string; description: string };
  const byTag = new Map<string, { method: string; path: string; op: Json }[]>();
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      const tag = ((op.tags as string[]) ?? ['Other'])[0];
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  const toc = [...byTag]
    .map(
      ([tag, ops]) =>
        `<h3>${esc(tag)}</h3><ul>${ops.map((o) => `<li><a href="#${anchor(String(o.op.operationId))}"><b>${o.method.toUpperCase()}</b> ${esc(o.path)}</a></li>`).join('')}</ul>`,
    )
    .join('');
  const sections = [...byTag]
    .map(([tag, ops]) => {
      const body = ops
        .map(({ method, path, op }) => {
          const params = (op.parameters as Json[] | undefined) ?? [];
          const paramRows = params
            .map(
              (p) =>
                `<tr><td><code>${esc(String(p.name))}</code> <small>${esc(String(p.in))}${p.required ? '' : ', optional'}</small></td><td>${typeOf(p.schema as Json)}</td><td>${p.description ? md(String(p.description)) : ''}</td></tr>`,
            )
            .join('');
          const [reqType, reqMedia] =
            Object.entries(
              (op.requestBody as { content: Record<string, { schema: Json }> } | undefined)?.content ?? {},
            )[0] ?? [];
          const responses = Object.entries(
            op.responses as Record<string, { description: string; content?: Record<string, { schema?: Json }> }>,
          )
            .map(([status, r]) => {
              const [type, media] = Object.entries(r.content ?? {})[0] ?? ['', {}];
              const shown = !media.schema
                ? `<code>${esc(type)}</code>`
                : Number(status) < 400
                  ? typeOf(media.schema)
                  : '<a href="#schema-Error">Error</a>';
              return `<tr><td class="status s${status[0]}">${status}</td><td>${shown}</td><td>${md(r.description)}</td></tr>`;
            })
            .join('');
          return (
            `<section id="${anchor(String(op.operationId))}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>` +
            `<p class="summary">${md(String(op.summary ?? ''))}</p><p>${md(String(op.description ?? ''))}</p>` +
            (paramRows ? `<h4>Parameters</h4><table><tbody>${paramRows}</tbody></table>` : '') +
            (reqMedia ? `<h4>Body <small>${esc(reqType!)}</small></h4>${fields(reqMedia.schema)}` : '') +
            `<h4>Answers</h4><table><tbody>${responses}</tbody></table></section>`
          );
        })
        .join('');
      return `<h2>${esc(tag)}</h2>${body}`;
    })
    .join('');
  const schemas = Object.entries(doc.components.schemas)
    .filter(([name]) => !name.endsWith('Response'))
    .map(([name, s]) => `<section id="schema-${anchor(name)}"><h3>${esc(name)}</h3>${fields(s)}</section>`)
    .join('');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${esc(info.title)} ${esc(info.version)}</title><style>${CSS}</style></head><body>` +
    `<nav><p><strong>${esc(info.title)}</strong> ${esc(info.version)}</p><p><a href="/api/openapi.json">openapi.json</a></p>${toc}<h3>Schemas</h3><ul>${Object.keys(
      doc.components.schemas,
    )
      .filter((n) => !n.endsWith('Response'))
      .map((n) => `<li><a href="#schema-${anchor(n)}">${esc(n)}</a></li>`)
      .join('')}</ul></nav>` +
    `<main><h1>${esc(info.title)}</h1><p>${md(info.description)}</p>${sections}<h2>Schemas</h2>${schemas}</main></body></html>`
  );
}

const CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:0;display:flex;color:#1d1d1f}
nav{position:sticky;top:0;height:100vh;overflow:auto;width:19rem;flex:none;padding:1rem;background:#f4f4f6;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding:0;margin:0 0 .6rem}nav li{margin:.15rem 0}nav a{color:inherit;text-decoration:none}nav h3{margin:.8rem 0 .3rem;font-size:13px}
main{padding:1rem 2rem;max-width:60rem;min-width:0}section{border-top:1px solid #ddd;padding:.4rem 0 1rem}
table{border-collapse:collapse;margin:.3rem 0;width:100%}td,th{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{font-weight:600;font-size:13px}code{font:13px ui-monospace,monospace;background:#f0f0f2;padding:0 .2rem;border-radius:3px}
.m{font:600 12px ui-monospace,monospace;padding:.1rem .4rem;border-radius:3px;color:#fff;background:#555}.get{background:#2b6cb0}.post{background:#2f855a}
.put,.patch{background:#b7791f}.delete{background:#c53030}.status{font-weight:600}.s2{color:#2f855a}.s4,.s5{color:#c53030}.summary{font-weight:600}
small{color:#666}@media (max-width:50rem){body{display:block}nav{position:static;width:auto;height:auto}}`;
