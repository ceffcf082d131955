// The peer for the list benchmarks: a bare Hono server answering each recorded URL with the bytes
// Seatdesk answered, after a bearer check, and nothing else.  peer-lists.ts <port> <bodies.json>
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const port = Number(process.argv[2]);
const { token, bodies } = JSON.parse(readFileSync(process.argv[3], 'utf8')) as {
  token: string;
  bodies: Record<string, string>;
};
const expected = `Bearer ${token}`;
const app = new Hono().get('*', (c) => {
  if (c.req.header('authorization') !== expected)
    return c.json({ error: { code: 'unauthorized', message: 'Sign in.' } }, 401);
  const url = c.req.url;
  const body = bodies[url.slice(url.indexOf('/', url.indexOf('//') + 2))];
  if (body === undefined) return c.json({ error: { code: 'not_found', message: 'No such page.' } }, 404);
  return c.body(body, 200, { 'content-type': 'application/json' });
});
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => console.log(`listening ${info.port}`));
