// The peer for the api benchmark: a bare Hono route returning JSON of a given size, nothing else.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const size = Number(process.argv[2] ?? 1000);
const port = Number(process.argv[3] ?? 0);
const body = { user: { padding: 'x'.repeat(Math.max(0, size - 24)) } };
const app = new Hono().get('/api/me', (c) => c.json(body));
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => console.log(`listening ${info.port}`));
