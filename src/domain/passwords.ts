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
  return {
    params: { N: Number(N), r: Number(r), p: Number(p) },
    salt: Buffer.from(salt, 'base64'),
    key: Buffer.from(key, 'base64'),
  };
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

// The most common passwords of 12 characters or more in public breach corpora (lower-cased),
// and the shapes people reach for when told "at least 12".
const COMMON = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789123',
  '1234567890qwerty',
  '111111111111',
  '000000000000',
  '123123123123',
  '121212121212',
  '987654321987',
  '098765432109',
  'aaaaaaaaaaaa',
  'password1234',
  'password12345',
  'password123!',
  'password!234',
  'passwordpassword',
  'password1234!',
  'p@ssword1234',
  'p@ssw0rd1234',
  'passw0rd1234',
  'mypassword123',
  'newpassword123',
  'changeme1234',
  'qwertyuiopas',
  'qwerty123456',
  'qwertyuiop123',
  'qwertyqwerty',
  '1qaz2wsx3edc',
  '1q2w3e4r5t6y',
  'zaq12wsxcde3',
  'asdfghjkl123',
  'asdfasdfasdf',
  'zxcvbnm12345',
  'abc123456789',
  'abcdefghijkl',
  'abcd12345678',
  'iloveyou1234',
  'iloveyouforever',
  'letmein12345',
  'welcome12345',
  'welcome@1234',
  'administrator',
  'administrator1',
  'adminadmin12',
  'admin1234567',
  'admin@123456',
  'football1234',
  'baseball1234',
  'basketball12',
  'monkey123456',
  'dragon123456',
  'sunshine1234',
  'princess1234',
  'starwars1234',
  'trustno1trustno1',
  'superman1234',
  'batman123456',
  'master123456',
  'shadow123456',
  'michael12345',
  'jennifer1234',
  'charlie12345',
  'liverpool123',
  'chelsea12345',
  'computer1234',
  'internet1234',
  'whatever1234',
  'seatdesk1234',
  'seatdesk12345',
  'correcthorsebatterystaple',
  'thequickbrownfox',
  'passwordpassword1',
  'qwerty12345678',
  'iloveyou123456',
  '1234qwerasdf',
]);
/** A reason to refuse the password, or null. */
export function weakPasswordReason(password: string, email?: string): string | null {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'this password is among the most common ones; choose another';
  if (/^(.)\1+$/.test(password)) return 'a password of one repeated character is too easy to guess';
  if (email && lower === email.toLowerCase()) return 'the password must not be the email address';
  return null;
}
