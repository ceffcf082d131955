// Secret tokens: 256 random bits, kept only as SHA-256 hashes, compared in constant time.
import * as crypto from 'node:crypto';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export const newId = (): string => randomUUID();

export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

// crypto.hash (Node ≥ 20.12) is a one-shot digest, three times cheaper than a Hash object; every
// authenticated request pays for one.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
export const hashSecret: (secret: string) => string = oneShot
  ? (secret) => oneShot('sha256', secret, 'hex')
  : (secret) => createHash('sha256').update(secret).digest('hex');

/** Constant-time comparison of two hex hashes of the same length. */
export function sameHash(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}
