// Slows repeated failed logins without letting an attacker lock an account's owner out.
// In memory (a restart forgets), with the clock injected.
import { AppError } from './errors.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Rule {
  /** Failures allowed in the window before delays start. */
  free: number;
  windowMs: number;
  /** Failures allowed in any hour; past it, wait until the oldest is an hour old. */
  hourlyCap: number;
}

/**
 * The rules, by key:
 * - one account from one address: 5 failures in 15 minutes free, then 1 s, 2 s, 4 s … (at most
 *   15 minutes) before the next try; at most 100 failures an hour;
 * - one address, any accounts (password spraying): the same;
 * - one account from every address it has not signed in from (a botnet): 20 failures in 15
 *   minutes free, then the same doubling; at most 100 failures an hour.
 * An address the account signed in from in the last 30 days (or holds a live session from) is
 * "known" and exempt from the account-wide rule: however hard others hammer the account from
 * elsewhere, its owner's correct password from their usual address is never held up by them.
 */
export const THROTTLE_RULES = {
  accountAddress: { free: 5, windowMs: 15 * MINUTE, hourlyCap: 100 },
  address: { free: 5, windowMs: 15 * MINUTE, hourlyCap: 100 },
  account: { free: 20, windowMs: 15 * MINUTE, hourlyCap: 100 },
} satisfies Record<string, Rule>;
const MAX_DELAY_MS = 15 * MINUTE;
const KNOWN_FOR_MS = 30 * 24 * HOUR;
const MAX_ENTRIES = 100_000;

interface Entry {
  failures: number[];
  blockedUntil: number;
}

export class LoginThrottle {
  private entries = new Map<string, Entry>();
  /** `${email}\n${address}` → when the account last signed in from there. */
  private known = new Map<string, number>();
  constructor(private readonly now: () => number) {}

  /**
   * Throws 429 too_many_attempts while any rule that applies is cooling down. `knownElsewhere`
   * may say the address is the account's own (a live session from it), asked only when needed.
   */
  check(email: string, address: string, knownElsewhere: () => boolean = () => false): void {
    const now = this.now();
    let wait = 0;
    for (const key of [pairKey(email, address), `a:${address}`]) wait = Math.max(wait, this.waitFor(key, now));
    const accountWait = this.waitFor(`e:${email}`, now);
    if (accountWait > 0 && !this.isKnown(email, address, now) && !knownElsewhere()) wait = Math.max(wait, accountWait);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError('too_many_attempts', `Too many failed sign-ins. Wait ${seconds} seconds and try again.`, {
        retryAfter: seconds,
      });
    }
  }

  fail(email: string, address: string): void {
    const now = this.now();
    this.count(pairKey(email, address), THROTTLE_RULES.accountAddress, now);
    this.count(`a:${address}`, THROTTLE_RULES.address, now);
    this.count(`e:${email}`, THROTTLE_RULES.account, now);
    if (this.entries.size > MAX_ENTRIES) this.entries.clear(); // bound memory under a spray of addresses
  }

  /** A correct password: that address is now known for the account, and its own counts reset. */
  succeed(email: string, address: string): void {
    this.entries.delete(pairKey(email, address));
    const a = this.entries.get(`a:${address}`);
    if (a) a.failures = [];
    if (this.known.size > MAX_ENTRIES) this.known.clear();
    this.known.set(`${email}\n${address}`, this.now());
    // The account-wide count is kept: the owner signing in must not hand attackers elsewhere a fresh budget.
  }

  private isKnown(email: string, address: string, now: number): boolean {
    const at = this.known.get(`${email}\n${address}`);
    return at !== undefined && now - at < KNOWN_FOR_MS;
  }

  private waitFor(key: string, now: number): number {
    const e = this.entries.get(key);
    return e && e.blockedUntil > now ? e.blockedUntil - now : 0;
  }

  private count(key: string, rule: Rule, now: number): void {
    const e = this.entries.get(key) ?? { failures: [], blockedUntil: 0 };
    e.failures = e.failures.filter((t) => now - t < HOUR);
    e.failures.push(now);
    const recent = e.failures.filter((t) => now - t < rule.windowMs).length;
    if (e.failures.length >= rule.hourlyCap) e.blockedUntil = e.failures[0] + HOUR;
    else if (recent >= rule.free) e.blockedUntil = now + Math.min(MAX_DELAY_MS, 1000 * 2 ** (recent - rule.free));
    this.entries.set(key, e);
  }
}

const pairKey = (email: string, address: string) => `p:${email}\n${address}`;
