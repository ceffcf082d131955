// Slows repeated failed logins per account and per address (in memory; a restart forgets).
import { AppError } from '../src/domain/errors.js';

const FREE_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;
const MAX_DELAY_MS = 15 * 60_000;
const HOURLY_ACCOUNT_CAP = 100;

interface Entry {
  failures: number[];
  blockedUntil: number;
}

export class LoginThrottle {
  private entries = new Map<string, Entry>();
  constructor(private readonly now: () => number) {}

  /** Throws 429 while the account or the address is cooling down. */
  check(email: string, address: string): void {
    const now = this.now();
    let wait = 0;
    for (const key of [`e:${email}`, `a:${address}`]) {
      const e = this.entries.get(key);
      if (e && e.blockedUntil > now) wait = Math.max(wait, e.blockedUntil - now);
    }
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError('too_many_attempts', `Too many failed sign-ins. Wait ${seconds} seconds and try again.`, { retryAfter: seconds });
    }
  }

  fail(email: string, address: string): void {
    const now = this.now();
    for (const key of [`e:${email}`, `a:${address}`]) {
      const e = this.entries.get(key) ?? { failures: [], blockedUntil: 0 };
      e.failures = e.failures.filter((t) => now - t < 60 * 60_000);
      e.failures.push(now);
      const recent = e.failures.filter((t) => now - t < WINDOW_MS).length;
      if (key.startsWith('e:') && e.failures.length >= HOURLY_ACCOUNT_CAP) e.blockedUntil = e.failures[0] + 60 * 60_000;
      else if (recent >= FREE_FAILURES) e.blockedUntil = now + Math.min(MAX_DELAY_MS, 1000 * 2 ** (recent - FREE_FAILURES));
      this.entries.set(key, e);
    }
    if (this.entries.size > 100_000) this.entries.clear(); // bound memory under a spray of addresses
  }

  succeed(email: string, address: string): void {
    this.entries.delete(`e:${email}`);
    const a = this.entries.get(`a:${address}`);
    if (a) a.failures = [];
  }
}
