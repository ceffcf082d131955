// Settings: the license and the site settings, each editable in place (Site Administrators).
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import type { ApiClient } from '../../src/api-client.js';
import { fit, shortTime } from '../format.js';
import type { Resources } from '../hooks/use-resources.js';
import { theme } from '../theme.js';
import type { ScreenProps } from './screen-props.js';

interface Field {
  label: string;
  value: (r: Resources) => string;
  hint: string;
  save?: (c: ApiClient, v: string) => Promise<unknown>;
}

const num = (v: string) => (v.trim() === '' ? NaN : Number(v));

export const FIELDS: Field[] = [
  {
    label: 'License plan',
    value: (r) => r.license?.plan ?? '…',
    hint: 'trial or standard',
    save: (c, v) => c.updateLicense({ plan: v.trim() as 'trial' | 'standard' }),
  },
  {
    label: 'Seats',
    value: (r) => (r.license ? `${r.license.seats} (${r.license.held} held, ${r.license.available} available)` : '…'),
    hint: 'Cannot go below the seats held by pending and active users.',
    save: (c, v) => c.updateLicense({ seats: num(v) }),
  },
  {
    label: 'License expires',
    value: (r) => (r.license ? (r.license.expiresAt ? shortTime(r.license.expiresAt) : 'never') : '…'),
    hint: 'An ISO date-time such as 2027-12-31T00:00:00Z, or empty for never.',
    save: (c, v) => c.updateLicense({ expiresAt: v.trim() === '' ? null : v.trim() }),
  },
  {
    label: 'Sessions per user',
    value: (r) => String(r.settings?.maxSessionsPerUser ?? '…'),
    hint: 'Live web, console and Explorer sessions one user may hold (1-100). API sessions do not count.',
    save: (c, v) => c.updateSettings({ maxSessionsPerUser: num(v) }),
  },
  {
    label: 'Idle auto-terminate',
    value: (r) => (r.settings ? (r.settings.idleTimeoutMinutes ? `${r.settings.idleTimeoutMinutes} min` : 'off') : '…'),
    hint: 'Minutes without a request before a session is ended (1-10080); empty turns it off.',
    save: (c, v) => c.updateSettings({ idleTimeoutMinutes: v.trim() === '' || v.trim() === 'off' ? null : num(v) }),
  },
  {
    label: 'Mail retention',
    value: (r) => (r.settings ? `${r.settings.mailRetention} messages` : '…'),
    hint: 'How many captured messages to keep (10-100000); the oldest go first.',
    save: (c, v) => c.updateSettings({ mailRetention: num(v) }),
  },
  {
    label: 'SMTP mode',
    value: (r) => {
      const m = r.settings?.mail;
      if (!m) return '…';
      return m.mode === 'sink' ? `built-in sink on port ${m.sinkPort}` : m.mode === 'relay' ? 'external relay (SEATDESK_SMTP_URL)' : 'off';
    },
    hint: 'Set when the server starts: SEATDESK_SMTP_URL, SEATDESK_SMTP_PORT.',
  },
];

const rawValue = (f: Field, r: Resources): string => {
  if (f.label === 'Seats') return String(r.license?.seats ?? '');
  if (f.label === 'Idle auto-terminate') return String(r.settings?.idleTimeoutMinutes ?? '');
  if (f.label === 'Sessions per user') return String(r.settings?.maxSessionsPerUser ?? '');
  if (f.label === 'Mail retention') return String(r.settings?.mailRetention ?? '');
  if (f.label === 'License expires') return r.license?.expiresAt ?? '';
  return f.value(r);
};

export function SettingsScreen(p: ScreenProps) {
  const t = theme();
  const [cursor, setCursor] = useState(0);
  useInput(
    (input, key) => {
      if (key.upArrow || input === 'k') setCursor((c) => Math.max(0, c - 1));
      else if (key.downArrow || input === 'j') setCursor((c) => Math.min(FIELDS.length - 1, c + 1));
      else if (key.return) {
        const f = FIELDS[cursor];
        if (!f.save) return p.act.run(async () => null, () => `${f.label} is fixed at start: ${f.hint}`);
        if (!p.act.mayChange()) return;
        p.act.open({
          kind: 'input',
          title: f.label,
          label: f.label,
          initial: rawValue(f, p.res),
          hint: f.hint,
          submit: async (v) => {
            const ok = await p.act.run(() => f.save!(p.client, v), () => `${f.label} saved.`);
            if (ok !== undefined) await p.res.reload();
          },
        });
      }
    },
    { isActive: p.active },
  );
  const labelWidth = 22;
  return (
    <Box flexDirection="column">
      <Text color={t.muted} wrap="truncate">
        Site settings · ↑↓ choose · Enter edit
      </Text>
      {FIELDS.map((f, i) => (
        <Text key={f.label} wrap="truncate" inverse={i === cursor}>
          {`${fit(f.label, labelWidth)} ${f.value(p.res)}`}
        </Text>
      ))}
      <Box marginTop={1}>
        <Text color={t.muted} wrap="wrap">
          {FIELDS[cursor].hint}
        </Text>
      </Box>
    </Box>
  );
}
