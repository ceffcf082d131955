// The peer for the write benchmarks: a bare Hono server whose POST appends one JSON line per
// request to a file with group-committed fdatasync before answering: what a durable write costs
// with no rules, no indexes and no mail.
import { open } from 'node:fs/promises';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const [file, portText] = process.argv.slice(2);
const fh = await open(file, 'a');
let pending: { line: string; done: () => void }[] = [];
let flushing = false;

async function flush(): Promise<void> {
  flushing = true;
  while (pending.length) {
    const batch = pending;
    pending = [];
    await fh.write(batch.map((b) => b.line).join(''));
    await fh.datasync();
    for (const b of batch) b.done();
  }
  flushing = false;
}

const app = new Hono().post('/api/users/invite', async (c) => {
  const body = (await c.req.json()) as { email: string };
  const user = { id: crypto.randomUUID(), email: body.email, status: 'pending', createdAt: new Date().toISOString() };
  await new Promise<void>((done) => {
    pending.push({ line: JSON.stringify(user) + '\n', done });
    if (!flushing) void flush();
  });
  return c.json(
    {
      user,
      activationLink: `http://localhost/activate/${crypto.randomUUID()}`,
      mail: { status: 'queued', id: user.id },
    },
    201,
  );
});
serve({ fetch: app.fetch, port: Number(portText), hostname: '127.0.0.1' }, (info) =>
  console.log(`listening ${info.port}`),
);
