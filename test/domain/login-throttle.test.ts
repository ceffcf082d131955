import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/domain/login-throttle.js';

function attempt(
  t: LoginThrottle,
  email: string,
  address: string,
  ok: boolean,
  known = () => false,
): 'ok' | 'fail' | number {
  try {
    t.check(email, address, known);
  } catch (e) {
    return (e as { details: { retryAfter: number } }).details.retryAfter;
  }
  if (ok) t.succeed(email, address);
  else t.fail(email, address);
  return ok ? 'ok' : 'fail';
}

describe('login throttling', () => {
  it("someone hammering an account from other addresses never holds up its owner's usual address", () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    expect(attempt(t, 'root@x.test', '10.0.0.1', true)).toBe('ok');
    // An hour of an attacker retrying the moment each wait ends, from one address and then from many.
    let guesses = 0;
    for (let i = 0; now < 3_600_000; i++) {
      const r = attempt(t, 'root@x.test', i % 2 ? '203.0.113.9' : `198.51.100.${i % 250}`, false);
      if (r === 'fail') guesses++;
      now += typeof r === 'number' ? r * 1000 : 1000;
      if (i % 50 === 0) expect(attempt(t, 'root@x.test', '10.0.0.1', true), `at ${now} ms`).toBe('ok');
    }
    expect(guesses).toBeLessThanOrEqual(200); // at most 100 an hour from unknown addresses, at most 100 from the one address
    expect(attempt(t, 'root@x.test', '10.0.0.1', true)).toBe('ok');
    // A new address of the owner's waits like the attackers' do while the account is under attack;
    // a live session from it counts as known.
    for (let k = 0; k < 30; k++) attempt(t, 'root@x.test', `192.0.2.${100 + k}`, false);
    expect(typeof attempt(t, 'root@x.test', '192.0.2.7', true)).toBe('number');
    expect(attempt(t, 'root@x.test', '192.0.2.7', true, () => true)).toBe('ok');
  });

  it('the owner mistyping from their own address waits seconds, not minutes', () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    attempt(t, 'a@x.test', '10.0.0.1', true);
    for (let i = 0; i < 6; i++) {
      const r = attempt(t, 'a@x.test', '10.0.0.1', false);
      now += typeof r === 'number' ? r * 1000 : 100;
    }
    const wait = attempt(t, 'a@x.test', '10.0.0.1', true);
    expect(wait === 'ok' || (typeof wait === 'number' && wait <= 4)).toBe(true);
  });

  it('one address spraying many accounts is slowed', () => {
    const now = 0;
    const t = new LoginThrottle(() => now);
    const results = Array.from({ length: 8 }, (_, i) => attempt(t, `u${i}@x.test`, '203.0.113.9', false));
    expect(results.slice(0, 5)).toEqual(Array(5).fill('fail'));
    expect(typeof results[6]).toBe('number');
  });
});
