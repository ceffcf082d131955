// Settings: the license and the site settings, each editable in place (Site Administrators).
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { ApiClient } from '../../src/client/api-client.js';
import { planSummary, reclaimPolicyOf } from '../../src/domain/reclaim.js';
import { command, commandFor } from '../commands.js';
import { SeatHistoryPanel } from '../components/seat-history-panel.js';
import { fit } from '../format.js';
import type { Resources } from '../hooks/use-resources.js';
import { LAYER, useKeys } from '../input/key-router.js';
import { theme } from '../theme.js';
import { allowed, useOptions, type ScreenProps } from './screen-props.js';

interface Field {
  label: string;
  value: (r: Resources) => string;
  hint: string;
  save?: (c: ApiClient, v: string) => Promise<unknown>;
  /** A choice among these instead of free text. */
  choices?: string[];
}

/** "2027-12-31" means the end of that day (UTC); a full ISO date-time is taken as it is. */
export function expiryValue(v: string): string | null {
  const text = v.trim();
  if (text === '' || text === 'never') return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return `${text}T23:59:59.000Z`;
  return text;
}

const num = (v: string) => (v.trim() === '' ? NaN : Number(v));
const days = (n: number | null) => (n === null ? 'never' : `${n} days`);
const dayCount = (v: string) => (v.trim() === '' || v.trim() === 'never' ? null : num(v));

export const FIELDS: Field[] = [
  {
    label: 'License plan',
    value: (r) => r.license?.plan ?? '…',
    hint: 'trial or standard.',
    choices: ['trial', 'standard'],
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
    value: (r) => (r.license ? (r.license.expiresAt ? r.license.expiresAt.slice(0, 10) : 'never') : '…'),
    hint: 'A date such as 2027-12-31 (the license runs to the end of that day, UTC), or empty for never.',
    save: (c, v) => c.updateLicense({ expiresAt: expiryValue(v) }),
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
    label: 'Reclaim seats daily',
    value: (r) => (r.settings ? (reclaimPolicyOf(r.settings).enabled ? 'on' : 'off') : '…'),
    hint: 'Once a day, deactivate dormant users and withdraw stale invitations (each audited and mailed).',
    choices: ['off', 'on'],
    save: (c, v) => c.updateSettings({ reclaim: { enabled: v.trim() === 'on' } }),
  },
  {
    label: '  dormant after',
    value: (r) => (r.settings ? days(reclaimPolicyOf(r.settings).dormantDays) : '…'),
    hint: 'Days without a login or session activity before an active user is deactivated (1-3650); empty: never.',
    save: (c, v) => c.updateSettings({ reclaim: { dormantDays: dayCount(v) } }),
  },
  {
    label: '  invitations expire',
    value: (r) => (r.settings ? days(reclaimPolicyOf(r.settings).pendingDays) : '…'),
    hint: 'Days after an unused invitation (or its last resend) before it is withdrawn (1-3650); empty: never.',
    save: (c, v) => c.updateSettings({ reclaim: { pendingDays: dayCount(v) } }),
  },
  {
    label: 'SMTP mode',
    value: (r) => {
      const m = r.settings?.mail;
      if (!m) return '…';
      return m.mode === 'sink'
        ? `built-in sink on port ${m.sinkPort}`
        : m.mode === 'relay'
          ? 'external relay (SEATDESK_SMTP_URL)'
          : 'off';
    },
    hint: 'Set when the server starts: SEATDESK_SMTP_URL, SEATDESK_SMTP_PORT.',
  },
];

const rawValue = (f: Field, r: Resources): string => {
  if (f.label === 'Seats') return String(r.license?.seats ?? '');
  if (f.label === 'Idle auto-terminate') return String(r.settings?.idleTimeoutMinutes ?? '');
  if (f.label === 'Sessions per user') return String(r.settings?.maxSessionsPerUser ?? '');
  if (f.label === 'Mail retention') return String(r.settings?.mailRetention ?? '');
  if (f.label === '  dormant after') return String(r.settings ? (reclaimPolicyOf(r.settings).dormantDays ?? '') : '');
  if (f.label === '  invitations expire')
    return String(r.settings ? (reclaimPolicyOf(r.settings).pendingDays ?? '') : '');
  if (f.label === 'License expires') return r.license?.expiresAt?.slice(0, 10) ?? '';
  return f.value(r);
};

export function SettingsScreen(p: ScreenProps) {
  const t = theme();
  const [cursor, setCursor] = useState(0);
  const [chartDays, setChartDays] = useState<30 | 90>(30);
  const siteAdmin = p.me.adminProfile === 'Site Administrator';
  const available = (id: string) => {
    if (id === 'settings.reclaim') return siteAdmin ? true : 'Seat reclamation is for Site Administrators.';
    if (id !== 'settings.edit') return true;
    const f = FIELDS[cursor];
    if (!f.save) return `${f.label} is fixed when the server starts: ${f.hint}`;
    return siteAdmin ? true : 'The license and settings are for Site Administrators.';
  };
  useOptions(p, 'settings', 'settings', available);
  useKeys(
    LAYER.screen,
    (input, key) => {
      const nav = commandFor('list', input, key);
      if (nav === 'up') return setCursor((c) => Math.max(0, c - 1));
      if (nav === 'down') return setCursor((c) => Math.min(FIELDS.length - 1, c + 1));
      if (nav === 'top') return setCursor(0);
      if (nav === 'bottom') return setCursor(FIELDS.length - 1);
      const id = commandFor('settings', input, key);
      if (id === 'settings.history') return setChartDays((d) => (d === 30 ? 90 : 30));
      if (id === 'settings.reclaim') {
        if (!allowed(p, command(id).changes, available(id))) return;
        // The dry run first; its confirm runs the policy now (each action re-checked by the server).
        void p.client.reclaimPlan().then(
          (plan) => {
            if (!plan.actions.length) return p.act.flash(planSummary(plan), 'info');
            p.act.open({
              kind: 'confirm',
              title: 'Seat reclamation: what a run would do now',
              message: planSummary(plan),
              confirmLabel: `Run now (${plan.seatsFreed})`,
              run: async () =>
                !!(await p.act.runInDialog(
                  () => p.client.runReclaim(),
                  (r) =>
                    `Reclaimed ${r.results.filter((x) => x.ok && x.changed).length} seat(s); ${r.results.filter((x) => !x.ok).length} failed.`,
                )),
            });
          },
          (e: Error) => p.act.flash(`Could not get the reclamation plan: ${e.message}`, 'error'),
        );
        return;
      }
      if (id !== 'settings.edit') return false;
      if (!allowed(p, command(id).changes, available(id))) return;
      const f = FIELDS[cursor];
      p.act.open({
        kind: 'input',
        title: f.label,
        label: f.label,
        initial: rawValue(f, p.res),
        hint: f.hint,
        choices: f.choices,
        submit: async (v) => {
          const ok = await p.act.runInDialog(
            () => f.save!(p.client, v),
            () => `${f.label} saved.`,
          );
          if (ok === undefined) return false;
          void p.res.reload(); // the dialog closes now; the screen catches up
          return true;
        },
      });
    },
    p.active,
  );
  const labelWidth = 22;
  // The seat trend takes what the fields and the hint leave.
  const chartRows = Math.min(8, p.height - FIELDS.length - 5);
  return (
    <Box flexDirection="column">
      <Text color={t.muted} wrap="truncate">
        {siteAdmin ? 'Site settings' : 'Site settings (read only: they are for Site Administrators)'}
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
      {chartRows >= 3 ? (
        <Box marginTop={1}>
          <SeatHistoryPanel
            client={p.client}
            license={p.res.license}
            days={chartDays}
            width={p.width}
            height={chartRows}
          />
        </Box>
      ) : null}
    </Box>
  );
}
