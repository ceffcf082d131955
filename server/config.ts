// Server settings from the environment (flags override them in the CLI).
import { resolve } from 'node:path';
import type { ScryptParams } from '../src/domain/passwords.js';
import { DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SMTP_PORT } from '../src/defaults.js';
import { SESSION_HISTORY_KEEP } from '../src/domain/sessions.js';

export interface ServerConfig {
  host: string;
  port: number;
  allowRemote: boolean;
  /** null: the built-in sink is off. */
  smtpPort: number | null;
  smtpHost: string;
  dataDir: string;
  publicUrl: string;
  /** Where people sign in to the product whose seats Seatdesk manages; the pages point there. */
  productUrl: string | null;
  /** External relay; null sends to the built-in sink. */
  smtpUrl: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
  activationTtlMs: number;
  resetTtlMs: number;
  mailFrom: string;
  scrypt?: ScryptParams;
  /** Write a request log line per request to data/server.log. */
  requestLog: boolean;
  /** Ended sessions kept as history (the newest). */
  sessionHistory: number;
  /** postgres://… selects the PostgreSQL engine (several servers may share it); null: the embedded store in dataDir. */
  databaseUrl: string | null;
}

/** Parses "7d", "12h", "30m", "45s" or a number of seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*([dhms]?)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration (use e.g. 7d, 12h, 30m or seconds)`);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, '': 1000 }[m[2] as 'd'];
  return Number(m[1]) * unit;
}

function port(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a port number 0-65535, got "${text}"`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const p = port(env.SEATDESK_PORT, DEFAULT_PORT, 'SEATDESK_PORT');
  const smtp =
    env.SEATDESK_SMTP_PORT === 'off' ? null : port(env.SEATDESK_SMTP_PORT, DEFAULT_SMTP_PORT, 'SEATDESK_SMTP_PORT');
  return {
    host: env.SEATDESK_HOST || DEFAULT_HOST,
    port: p,
    allowRemote: false,
    smtpPort: smtp,
    smtpHost: env.SEATDESK_SMTP_HOST || '127.0.0.1',
    dataDir: resolve(env.SEATDESK_DATA_DIR || DEFAULT_DATA_DIR),
    publicUrl: (env.SEATDESK_PUBLIC_URL || `http://localhost:${p}`).replace(/\/+$/, ''),
    productUrl: env.SEATDESK_PRODUCT_URL || null,
    smtpUrl: env.SEATDESK_SMTP_URL || null,
    adminEmail: env.SEATDESK_ADMIN_EMAIL || null,
    adminPassword: env.SEATDESK_ADMIN_PASSWORD || null,
    activationTtlMs: parseDuration(env.SEATDESK_ACTIVATION_TTL || '7d'),
    resetTtlMs: parseDuration(env.SEATDESK_RESET_TTL || '1h'),
    mailFrom: env.SEATDESK_MAIL_FROM || 'Seatdesk <no-reply@seatdesk.local>',
    requestLog: true,
    sessionHistory: Number(env.SEATDESK_SESSION_HISTORY || SESSION_HISTORY_KEEP),
    databaseUrl: env.SEATDESK_DATABASE_URL || null,
  };
}

export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host.startsWith('127.') || host === '::ffff:127.0.0.1';
