import { describe, expect, it } from 'vitest';
import { redactPath } from '../../src/domain/redact.js';
import { newSecret } from '../../src/domain/tokens.js';

describe('log redaction', () => {
  it('takes link tokens and secrets out of a path however it is encoded', () => {
    const act = newSecret('act');
    const enc = (t: string) => [...t].map((ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    const cases = [
      `/activate/${act}`,
      `/%61ctivate/${act}`,
      `/%2561ctivate/${act}`,
      `/ACTIVATE/${act}`,
      `/activate/${enc(act)}`,
      `/reset-password/${act}/extra`,
      `/api/x/${act}`,
      `/api/x/${encodeURIComponent(act).replace(/_/g, '%5F')}`,
      `/activate/${act}%E0%A4%A`,
    ];
    for (const path of cases) {
      const out = redactPath(path);
      expect(out, path).not.toContain(act);
      expect(out, path).not.toContain(act.slice(4, 30));
    }
    expect(redactPath(`/%61ctivate/${act}`)).toBe('/activate/[token]');
    expect(redactPath(`/api/x/${act}`)).toBe('/api/x/act_[redacted]');
  });

  it('leaves ordinary paths alone', () => {
    for (const p of [
      '/api/me',
      '/api/users/6f1c2e0a-1111-4222-8333-944445555666/deactivate',
      '/api/mail/latest',
      '/api/users',
      '/api/sessions/abc_def',
    ])
      expect(redactPath(p)).toBe(p);
  });
});
