import { describe, expect, it } from 'vitest';
import { bulkSessionConfirm, bulkSummary, bulkUserConfirm } from '../../src/domain/bulk.js';
import {
  IMPORT_MAX_ROWS,
  ImportParseError,
  parseImport,
  previewImport,
  type PreviewContext,
} from '../../src/domain/bulk-import.js';
import {
  DAY_MS,
  isDormant,
  isStaleInvitation,
  lastActiveAt,
  planReclaim,
  policyDue,
  type ReclaimCandidate,
} from '../../src/domain/reclaim.js';
import { seatSeries } from '../../src/domain/seat-history.js';
import { userRecord } from '../helpers/records.js';

const NOW = new Date('2026-06-30T12:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY_MS).toISOString();

describe('dormancy', () => {
  const active = (extra: Parameters<typeof userRecord>[2] = {}) =>
    userRecord('u1', 'a@example.com', {
      status: 'active',
      createdAt: daysAgo(400),
      activatedAt: daysAgo(399),
      ...extra,
    });

  it('"Last active" is the later of the last login and the last session activity', () => {
    expect(lastActiveAt({ lastLoginAt: daysAgo(10) }, daysAgo(2))).toBe(daysAgo(2));
    expect(lastActiveAt({ lastLoginAt: daysAgo(1) }, daysAgo(2))).toBe(daysAgo(1));
    expect(lastActiveAt({ lastLoginAt: null }, null)).toBeNull();
  });

  it('an active user with no login and no activity for N days is dormant; activity on a session counts', () => {
    expect(isDormant(active({ lastLoginAt: daysAgo(91) }), null, 90, NOW)).toBe(true);
    expect(isDormant(active({ lastLoginAt: daysAgo(89) }), null, 90, NOW)).toBe(false);
    // Signed in long ago but the session was used yesterday: not dormant.
    expect(isDormant(active({ lastLoginAt: daysAgo(200) }), daysAgo(1), 90, NOW)).toBe(false);
    // Never signed in since activating long ago: dormant; activated last week: not yet.
    expect(isDormant(active(), null, 90, NOW)).toBe(true);
    expect(isDormant(active({ activatedAt: daysAgo(7) }), null, 90, NOW)).toBe(false);
  });

  it('pending and inactive users are never dormant', () => {
    expect(isDormant(active({ status: 'pending', lastLoginAt: null }), null, 1, NOW)).toBe(false);
    expect(isDormant(active({ status: 'inactive', lastLoginAt: daysAgo(500) }), null, 1, NOW)).toBe(false);
  });
});

describe('stale invitations', () => {
  const pending = (created: number) =>
    userRecord('p1', 'p@example.com', { status: 'pending', createdAt: daysAgo(created) });
  it('pending, invited more than N days ago, link never used', () => {
    expect(isStaleInvitation(pending(15), null, false, 14, NOW)).toBe(true);
    expect(isStaleInvitation(pending(13), null, false, 14, NOW)).toBe(false);
    expect(isStaleInvitation(pending(15), null, true, 14, NOW)).toBe(false);
    expect(isStaleInvitation({ ...pending(15), status: 'active' }, null, false, 14, NOW)).toBe(false);
  });
  it('a resent link restarts the clock', () => {
    expect(isStaleInvitation(pending(30), daysAgo(3), false, 14, NOW)).toBe(false);
    expect(isStaleInvitation(pending(30), daysAgo(20), false, 14, NOW)).toBe(true);
  });
});

describe('the daily policy plan', () => {
  const cand = (
    id: string,
    extra: Parameters<typeof userRecord>[2],
    more: Partial<ReclaimCandidate> = {},
  ): ReclaimCandidate => ({
    user: userRecord(id, `${id}@example.com`, { createdAt: daysAgo(500), activatedAt: daysAgo(499), ...extra }),
    ...more,
  });
  const policy = { enabled: true, dormantDays: 90, pendingDays: 14 };

  it('deactivates dormant users and withdraws stale invitations, oldest first, with reasons', () => {
    const plan = planReclaim(
      [
        cand('admin', { status: 'active', adminProfile: 'Site Administrator', lastLoginAt: daysAgo(1) }),
        cand('old', { status: 'active', lastLoginAt: daysAgo(300) }),
        cand('older', { status: 'active', lastLoginAt: daysAgo(400) }),
        cand('busy', { status: 'active', lastLoginAt: daysAgo(300) }, { lastSessionActivity: daysAgo(2) }),
        cand('inv', { status: 'pending', createdAt: daysAgo(20), activatedAt: null }),
        cand('fresh', { status: 'pending', createdAt: daysAgo(2), activatedAt: null }),
        cand('gone', { status: 'inactive', lastLoginAt: daysAgo(900) }),
      ],
      policy,
      NOW,
    );
    expect(plan.actions.map((a) => [a.email, a.action, a.reason])).toEqual([
      ['older@example.com', 'deactivate', 'dormant'],
      ['old@example.com', 'deactivate', 'dormant'],
      ['inv@example.com', 'withdraw', 'stale_invitation'],
    ]);
    expect(plan.actions[0].since).toBe(daysAgo(400));
    expect(plan.seatsFreed).toBe(3);
    expect(plan.kept).toEqual([]);
  });

  it('keeps the most recently active Site Administrator when every one is dormant', () => {
    const plan = planReclaim(
      [
        cand('a1', { status: 'active', adminProfile: 'Site Administrator', lastLoginAt: daysAgo(200) }),
        cand('a2', { status: 'active', adminProfile: 'Site Administrator', lastLoginAt: daysAgo(100) }),
      ],
      policy,
      NOW,
    );
    expect(plan.actions.map((a) => a.userId)).toEqual(['a1']);
    expect(plan.kept).toEqual([
      { userId: 'a2', email: 'a2@example.com', reason: 'the last active Site Administrator' },
    ]);
  });

  it('a rule set to null is not applied; a run is due once a day', () => {
    const plan = planReclaim(
      [
        cand('old', { status: 'active', lastLoginAt: daysAgo(300) }),
        cand('inv', { status: 'pending', createdAt: daysAgo(20) }),
      ],
      { ...policy, dormantDays: null },
      NOW,
    );
    expect(plan.actions.map((a) => a.reason)).toEqual(['stale_invitation']);
    expect(policyDue(null, NOW)).toBe(true);
    expect(policyDue(new Date(NOW.getTime() - DAY_MS + 1000).toISOString(), NOW)).toBe(false);
    expect(policyDue(new Date(NOW.getTime() - DAY_MS).toISOString(), NOW)).toBe(true);
  });
});

describe('bulk invite: reading the list', () => {
  it('reads positional rows, quotes, CRLF, a BOM, semicolons and tabs; skips blanks and comments', () => {
    const rows = parseImport(
      '\uFEFFa@example.com,Ann,Lee,Tester\r\n\r\n# a comment\r\n"b@example.com","Bo, Jr.",,developer,User Administrator\r\nc@example.com;Cy\nd@example.com\te\n',
    );
    expect(rows).toEqual([
      { line: 1, cells: { email: 'a@example.com', firstName: 'Ann', lastName: 'Lee', userProfile: 'Tester' } },
      {
        line: 4,
        cells: {
          email: 'b@example.com',
          firstName: 'Bo, Jr.',
          userProfile: 'developer',
          adminProfile: 'User Administrator',
        },
      },
      { line: 5, cells: { email: 'c@example.com', firstName: 'Cy' } },
      { line: 6, cells: { email: 'd@example.com', firstName: 'e' } },
    ]);
  });

  it('a header row names the columns, in any order', () => {
    const rows = parseImport('Last name,Email,Profile\nLee,ann@example.com,Viewer\n');
    expect(rows).toEqual([{ line: 2, cells: { lastName: 'Lee', email: 'ann@example.com', userProfile: 'Viewer' } }]);
  });

  it('refuses more rows than one import may hold, and text that is not CSV', () => {
    const many = Array.from({ length: IMPORT_MAX_ROWS + 1 }, (_, i) => `u${i}@example.com`).join('\n');
    expect(() => parseImport(many)).toThrow(ImportParseError);
    expect(() => parseImport(many)).toThrow(/at most 10000/);
    expect(() => parseImport('a@example.com,"unterminated\n')).toThrow(ImportParseError);
  });
});

describe('bulk invite: the preview', () => {
  const ctx = (
    available: number,
    existing: Record<string, 'pending' | 'active' | 'inactive'> = {},
  ): PreviewContext => ({
    existing: (e) => existing[e],
    available,
    mayInviteSiteAdmins: false,
  });

  it('sorts rows into valid, invalid (with reasons) and duplicates (in the file and existing users)', () => {
    const text = [
      'Ann@Example.com,Ann,,tester',
      'not-an-address',
      ',no email',
      'b@example.com,,,Wizard',
      'c@example.com,,,,Overlord',
      'boss@example.com,,,,Site Administrator',
      'ann@example.com',
      'old@example.com',
      'd@example.com,Dee,Ng,,User Administrator',
    ].join('\n');
    const p = previewImport(parseImport(text), ctx(10, { 'old@example.com': 'inactive' }));
    expect(p.rows).toBe(9);
    expect(p.valid).toEqual([
      { line: 1, email: 'ann@example.com', firstName: 'Ann', lastName: '', userProfile: 'Tester', adminProfile: null },
      {
        line: 9,
        email: 'd@example.com',
        firstName: 'Dee',
        lastName: 'Ng',
        userProfile: 'Default',
        adminProfile: 'User Administrator',
      },
    ]);
    expect(p.invalid.map((x) => [x.line, x.code])).toEqual([
      [2, 'invalid_email'],
      [3, 'invalid_email'],
      [4, 'unknown_profile'],
      [5, 'unknown_profile'],
      [6, 'forbidden'],
    ]);
    expect(p.invalid[2].reason).toMatch(/Wizard.*Default, Tester/);
    expect(p.duplicates.map((x) => [x.line, x.code])).toEqual([
      [7, 'duplicate_in_file'],
      [8, 'user_exists'],
    ]);
    expect(p.duplicates[0].reason).toBe('ann@example.com is already on line 1.');
    expect(p.duplicates[1].reason).toMatch(/inactive.*Reactivate/);
    expect(p.seats).toEqual({ available: 10, needed: 2, enough: true, missing: 0 });
    expect(p.toInvite.map((r) => r.email)).toEqual(['ann@example.com', 'd@example.com']);
    expect(p.note).toBeNull();
  });

  it('too few seats: says how many are missing and invites none, unless asked for the first K', () => {
    const rows = parseImport(['a', 'b', 'c', 'd', 'e'].map((x) => `${x}@example.com`).join('\n'));
    const none = previewImport(rows, ctx(3));
    expect(none.seats).toEqual({ available: 3, needed: 5, enough: false, missing: 2 });
    expect(none.toInvite).toEqual([]);
    expect(none.note).toMatch(/2 missing\. Nothing will be invited/);
    const first = previewImport(rows, ctx(3), 3);
    expect(first.toInvite.map((r) => r.email)).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(first.note).toMatch(/first 3 of 5/);
    const tooMany = previewImport(rows, ctx(3), 4);
    expect(tooMany.toInvite).toEqual([]);
    expect(tooMany.note).toMatch(/1 missing/);
  });
});

describe('bulk confirm wording', () => {
  it('says exactly what will happen, in numbers', () => {
    const marked = [...Array(37)].map(() => ({ status: 'active' as const }));
    expect(bulkUserConfirm('deactivate', marked, 0).message).toMatch(/^Deactivate 37 users, freeing 37 seats\./);
    const mixed = [{ status: 'active' as const }, { status: 'pending' as const }, { status: 'inactive' as const }];
    const d = bulkUserConfirm('deactivate', mixed, 0);
    expect(d.message).toMatch(
      /^Deactivate 2 users, freeing 2 seats\..* 1 marked user is already inactive and skipped\./,
    );
    expect(d.acting).toBe(2);
    const r = bulkUserConfirm(
      'reactivate',
      [{ status: 'inactive' }, { status: 'inactive' }, { status: 'inactive' }],
      1,
    );
    expect(r.message).toMatch(
      /^Reactivate 3 users, taking 3 seats \(1 free\)\. 2 seats are missing: the last 2 will be refused\./,
    );
    expect(bulkUserConfirm('resend-activation', mixed, 0).message).toMatch(
      /^Send new activation links to 1 pending user;.* 2 marked users are not pending/,
    );
    expect(bulkSessionConfirm([{ userId: 'a' }, { userId: 'a' }, { userId: 'b' }]).message).toMatch(
      /^End 3 sessions of 2 users\./,
    );
  });

  it('summarises per-item results', () => {
    expect(
      bulkSummary('Deactivated', {
        results: [
          { id: '1', ok: true, changed: true },
          { id: '2', ok: true, changed: false },
          { id: '3', ok: false, error: { code: 'last_admin', message: 'x is the last' } },
        ],
      }),
    ).toBe('Deactivated 1 of 3, 1 already so, 1 failed (last_admin: x is the last)');
  });
});

describe('seat history series', () => {
  it("one point per day: the day's peak, carried over on quiet days", () => {
    const at = (d: number, h = 0) =>
      new Date(Date.parse('2026-06-30T00:00:00.000Z') - d * DAY_MS + h * 3_600_000).toISOString();
    const entries = [
      { at: at(10), held: 1, seats: 5 }, // before the window
      { at: at(3, 1), held: 2, seats: 5 },
      { at: at(3, 2), held: 4, seats: 5 },
      { at: at(3, 3), held: 3, seats: 5 },
      { at: at(1, 5), held: 3, seats: 10 },
    ];
    const s = seatSeries(entries.reverse(), NOW, 5);
    expect(s.map((p) => [p.day, p.held, p.seats])).toEqual([
      ['2026-06-26', 1, 5],
      ['2026-06-27', 4, 5],
      ['2026-06-28', 3, 5],
      ['2026-06-29', 3, 10],
      ['2026-06-30', 3, 10],
    ]);
    expect(seatSeries([], NOW, 2, { held: 2, seats: 5 }).map((p) => p.held)).toEqual([0, 2]);
  });
});

describe('pasted lists', () => {
  it('a line of addresses becomes one per line; CSV rows stay', async () => {
    const { pastedToCsv } = await import('../../src/domain/pasted-list.js');
    expect(pastedToCsv('a@x.org, b@y.org c@z.org;d@w.org\ne@v.org,Eve,Ng')).toBe(
      'a@x.org\nb@y.org\nc@z.org\nd@w.org\ne@v.org,Eve,Ng',
    );
  });
});

describe('user filter tokens', () => {
  it('dormant:N and pending:N select the views; other words are search text', async () => {
    const { parseUserFilter } = await import('../../src/domain/reclaim.js');
    expect(parseUserFilter('dormant:90')).toEqual({ text: '', dormantDays: 90 });
    expect(parseUserFilter(' acme  Pending:14 ')).toEqual({ text: 'acme', pendingOlderThanDays: 14 });
    expect(parseUserFilter('dormant:0 dormant:x')).toEqual({ text: 'dormant:0 dormant:x' });
    expect(parseUserFilter(undefined)).toEqual({ text: '' });
  });
});

describe('plan summary', () => {
  it('says what a run would do, lists the first actions, and who is kept', async () => {
    const { planSummary } = await import('../../src/domain/reclaim.js');
    const policy = { enabled: false, dormantDays: 90, pendingDays: 30, lastRunAt: null };
    const a = (email: string, reason: 'dormant' | 'stale_invitation', since: string | null) => ({
      userId: email,
      email,
      action: reason === 'dormant' ? ('deactivate' as const) : ('withdraw' as const),
      reason,
      since,
    });
    const plan = {
      at: NOW.toISOString(),
      policy,
      actions: [
        a('old@x.org', 'dormant', daysAgo(200)),
        a('never@x.org', 'dormant', null),
        a('inv@x.org', 'stale_invitation', daysAgo(40)),
      ],
      kept: [{ userId: 'k', email: 'boss@x.org', reason: 'the last active Site Administrator' }],
      seatsFreed: 3,
    };
    expect(planSummary(plan, 2)).toBe(
      `A run now would deactivate 2 dormant users and withdraw 1 invitation, freeing 3 seats. old@x.org (last active ${daysAgo(200).slice(0, 10)}), never@x.org (last active never) and 1 more. boss@x.org is kept: the last active Site Administrator.`,
    );
    expect(planSummary({ ...plan, actions: [], kept: [], seatsFreed: 0 })).toMatch(/^Nothing to reclaim now/);
  });
});
