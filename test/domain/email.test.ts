import { describe, expect, it } from 'vitest';
import { emailProblem } from '../../src/domain/email.js';
import { Email } from '../../src/domain/schemas.js';

describe('login email addresses', () => {
  it('accepts one plain address, trimmed and lower-cased', () => {
    for (const ok of [
      'bob@example.test',
      'Bob.Smith+tag@Example.COM',
      "o'neil@x-y.example",
      'user@xn--bcher-kva.example',
      'a_b-c@sub.domain.example',
    ])
      expect(emailProblem(ok.toLowerCase()), ok).toBeNull();
    expect(Email.parse('  Bob@Example.Test ')).toBe('bob@example.test');
  });

  it('refuses lists, display names, invisible characters and Unicode domains, saying why', () => {
    const cases: [string, RegExp][] = [
      ['bob,eve@evil.test', /one address, not a list/],
      ['bob@example.test;eve@evil.test', /not a list/],
      ['x<attacker@evil.test>', /without a display name/],
      ['"Bob" <bob@example.test>', /without a display name/],
      ['root\u200b@example.test', /invisible or control character \(U\+200B\)/],
      ['root@example.test\u202e', /U\+202E/],
      ['root@exa\u0000mple.test', /U\+0000/],
      ['ro\u00adot@example.test', /U\+00AD/],
      ['root@example.test\u2066', /U\+2066/],
      ['bob@bücher.example', /ASCII form: bob@xn--bcher-kva\.example/],
      ['jos\u00e9@example.test', /plain ASCII/],
      ['bob@@example.test', /exactly one @/],
      ['bob', /exactly one @/],
      ['.bob@example.test', /not valid/],
      ['bob@localhost', /needs a dot/],
      ['bob@1.2.3.4', /IP address/],
      ['bob@-bad-.example', /domain is not valid/],
      ['bo b@example.test', /spaces/],
      [`${'a'.repeat(65)}@example.test`, /too long/],
    ];
    for (const [bad, why] of cases) expect(emailProblem(bad.toLowerCase()), JSON.stringify(bad)).toMatch(why);
    const r = Email.safeParse('bob,eve@evil.test');
    expect(r.success).toBe(false);
  });
});
