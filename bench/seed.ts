// Builds a large site's data dir: users, live sessions and captured mail, through the store and
// the SMTP sink the server uses.  npm run seed -- --users 10000 --sessions 50000 [--ended 10000] --mails 5000 [--dir d]
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { DEFAULT_DATA_DIR } from '../src/defaults.js';
import { DEFAULT_SCRYPT, hashPassword } from '../src/domain/passwords.js';
import { SAMPLE_PROJECT_ID } from '../src/domain/sample-project.js';
import type { Session, User } from '../src/domain/schemas.js';
import { hashSecret, newId } from '../src/domain/tokens.js';
import { configFromEnv } from '../server/config.js';
import { startServer } from '../server/main.js';
import { SNAPSHOT_FILE, Store } from '../server/store/embedded/store.js';

export const BENCH_ADMIN = { email: 'admin@example.com', password: 'bench-admin-password' };
export const BENCH_PASSWORD = 'bench-user-password';

const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0',
  'Mozilla/5.0 (Macintosh) Safari/605.1.15',
  'curl/8.5.0',
  'SeatdeskExplorer/2.1',
  'seatdesk-console',
];

export interface SeedSize {
  users: number;
  /** Live sessions. */
  sessions: number;
  /** Ended sessions (history); the server keeps the newest 10,000. */
  ended?: number;
  mails: number;
}

export async function seed(dir: string, n: SeedSize, log = console.log): Promise<void> {
  dir = resolve(dir);
  if (existsSync(join(dir, SNAPSHOT_FILE))) throw new Error(`${dir} already holds a store; seed an empty directory.`);
  const started = Date.now();
  const store = await Store.open(dir);
  const adminHash = await hashPassword(BENCH_ADMIN.password, DEFAULT_SCRYPT);
  const userHash = await hashPassword(BENCH_PASSWORD, DEFAULT_SCRYPT);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const users: User[] = [];
  for (let i = 0; i < n.users; i++) {
    const admin = i === 0;
    const status = admin ? 'active' : i % 10 === 0 ? 'inactive' : i % 7 === 0 ? 'pending' : 'active';
    users.push({
      id: newId(),
      email: admin ? BENCH_ADMIN.email : `user${String(i).padStart(5, '0')}@example.com`,
      firstName: admin ? 'Site' : `First${i}`,
      lastName: admin ? 'Admin' : `Last${i}`,
      status,
      userProfile: admin ? 'Project Admin' : (['Default', 'Tester', 'Developer', 'Viewer'] as const)[i % 4],
      adminProfile: admin ? 'Site Administrator' : null,
      projects: status === 'inactive' ? [] : [{ projectId: SAMPLE_PROJECT_ID, profile: 'Default' }],
      suspendedProjects: status === 'inactive' ? [{ projectId: SAMPLE_PROJECT_ID, profile: 'Default' }] : [],
      passwordHash: status === 'pending' ? null : admin ? adminHash : userHash,
      createdAt: iso(now - (n.users - i) * 60_000),
      invitedBy: null,
      activatedAt: status === 'pending' ? null : iso(now - (n.users - i) * 30_000),
      lastLoginAt: status === 'active' ? iso(now - i * 1000) : null,
      deactivatedAt: status === 'inactive' ? iso(now - 3600_000) : null,
      passwordResetPendingAt: null,
    });
  }
  const held = users.filter((u) => u.status !== 'inactive').length;
  await store.transact((tx) =>
    tx.set('license', { plan: 'standard', seats: Math.max(held + 500, 5), expiresAt: null }),
  );
  for (let i = 0; i < users.length; i += 1000)
    await store.transact((tx) => users.slice(i, i + 1000).forEach((u) => tx.put('users', u)));
  log(`users: ${users.length} (${held} holding seats)`);

  // Sessions: at most 3 counted (web/tui/explorer) per active user; the rest are api sessions.
  const active = users.filter((u) => u.status === 'active' && u.adminProfile === null);
  const sessions: Session[] = [];
  const perUser = new Map<string, number>();
  for (let i = 0; i < n.sessions; i++) {
    const u = active[i % active.length];
    const count = perUser.get(u.id) ?? 0;
    perUser.set(u.id, count + 1);
    const client = count < 3 ? (['web', 'tui', 'explorer'] as const)[count] : 'api';
    const started = now - ((i * 7919) % 86_400_000);
    sessions.push({
      id: newId(),
      userId: u.id,
      email: u.email,
      client,
      clientId: client === 'api' ? null : newId(),
      apiTokenId: client === 'api' ? newId() : null,
      tokenHash: client === 'api' ? null : hashSecret(`sds_seeded_session_token_${i}`),
      address: `127.0.${(i >> 8) & 255}.${i & 255}`,
      userAgent: AGENTS[i % AGENTS.length],
      startedAt: iso(started),
      lastActivityAt: iso(started + ((i * 104729) % 3_600_000)),
      endedAt: null,
      endReason: null,
      endedBy: null,
    });
  }
  const REASONS = ['logout', 'idle', 'admin', 'limit', 'deactivated', 'password_reset'] as const;
  for (let i = 0; i < (n.ended ?? 0); i++) {
    const u = active[i % active.length];
    const started = now - 86_400_000 - ((i * 7919) % 86_400_000);
    const reason = REASONS[i % REASONS.length];
    sessions.push({
      id: newId(),
      userId: u.id,
      email: u.email,
      client: (['web', 'tui', 'explorer', 'api'] as const)[i % 4],
      clientId: null,
      apiTokenId: null,
      tokenHash: null,
      address: `10.1.${(i >> 8) & 255}.${i & 255}`,
      userAgent: AGENTS[i % AGENTS.length],
      startedAt: iso(started),
      lastActivityAt: iso(started + 60_000),
      endedAt: iso(started + 120_000 + i),
      endReason: reason,
      endedBy: reason === 'admin' ? users[0].id : null,
    });
  }
  for (let i = 0; i < sessions.length; i += 2000)
    await store.transact((tx) => sessions.slice(i, i + 2000).forEach((s) => tx.put('sessions', s)));
  log(`sessions: ${n.sessions} live, ${n.ended ?? 0} ended`);
  await store.close();

  if (n.mails > 0) {
    // Mail goes through a real server's SMTP sink, as it would in use.
    const server = await startServer(
      { ...configFromEnv({}), port: 0, smtpPort: 0, dataDir: dir, requestLog: false },
      { quiet: true },
    );
    try {
      await server.services.site.updateSettings(
        { id: users[0].id, email: users[0].email, adminProfile: 'Site Administrator' },
        { mailRetention: Math.max(5000, n.mails) },
      );
      const smtp = nodemailer.createTransport({
        host: '127.0.0.1',
        port: server.smtpPort!,
        pool: true,
        maxConnections: 10,
        maxMessages: Infinity,
      });
      const body = 'Seeded message. '.repeat(60);
      let sent = 0;
      const next = async (): Promise<void> => {
        while (sent < n.mails) {
          const i = sent++;
          const u = users[i % users.length];
          await smtp.sendMail({
            from: 'Seatdesk <no-reply@seatdesk.local>',
            to: u.email,
            subject: `Seeded message ${i}`,
            text: `${body}\nhttp://localhost:4780/activate/act_seeded${i}`,
            html: `<p>${body}</p>`,
          });
        }
      };
      await Promise.all(Array.from({ length: 10 }, next));
      smtp.close();
    } finally {
      await server.close();
    }
    log(`mails: ${n.mails}`);
  }
  log(
    `seeded ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s; admin ${BENCH_ADMIN.email} / ${BENCH_ADMIN.password}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('seed.ts')) {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '10000' },
      sessions: { type: 'string', default: '50000' },
      ended: { type: 'string', default: '0' },
      mails: { type: 'string', default: '5000' },
      dir: { type: 'string' },
    },
  });
  const dir = values.dir ?? process.env.SEATDESK_DATA_DIR ?? DEFAULT_DATA_DIR;
  seed(dir, {
    users: Number(values.users),
    sessions: Number(values.sessions),
    ended: Number(values.ended),
    mails: Number(values.mails),
  }).catch((e) => {
    console.error(`seed: ${(e as Error).message}`);
    process.exit(1);
  });
}
