// Password hashing with scrypt; the parameters travel with each hash so they can be raised later.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
/** OWASP's minimum for scrypt (N=2^17, r=8, p=1). */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LEN = 32;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const opts: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const [kind, N, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !key) return null;
  return { params: { N: Number(N), r: Number(r), p: Number(p) }, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when a stored hash was made with other parameters than the current ones. */
export function needsRehash(stored: string, params: ScryptParams): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.N !== params.N || parsed.params.r !== params.r || parsed.params.p !== params.p;
}

/** A burn of the same cost, so an unknown email takes as long as a wrong password. */
let dummy: Promise<string> | null = null;
export async function verifyDummy(password: string, params: ScryptParams): Promise<false> {
  dummy ??= hashPassword('dummy-password-for-timing', params);
  await verifyPassword(password, await dummy);
  return false;
}

const COMMON = new Set([
  'password1234', '123456789012', 'qwertyuiopas', 'passwordpassword', '111111111111', 'password12345',
  'iloveyou1234', 'administrator', 'adminadmin12', 'letmein12345', 'welcome12345', 'changeme1234',
  'qwerty123456', '1234567890ab', 'abc123456789', 'password123!', 'password!234', '000000000000',
  'aaaaaaaaaaaa', 'seatdesk1234', 'trustno1trustno1', 'football1234', 'monkey123456', 'dragon123456',
]);
/** A reason to refuse the password, or null. */
export function weakPasswordReason(password: string, email?: string): string | null {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'this password is among the most common ones; choose another';
  if (/^(.)\1+$/.test(password)) return 'a password of one repeated character is too easy to guess';
  if (email && lower === email.toLowerCase()) return 'the password must not be the email address';
  return null;
}
