// What the Sessions screen's commands do, and when each applies to the selected session.
import type { PublicSession } from '../../src/domain/schemas.js';
import { command } from '../commands.js';
import { allowed, type Availability, type ScreenProps } from '../screens/screen-props.js';

export function useSessionActions(
  p: ScreenProps,
  selected: PublicSession | undefined,
  view: { history: boolean; toggleHistory(): void; toggleExplorer(): void },
) {
  const { act, client, res } = p;
  // The console holds only a window of sessions: ask the server for the user's live ones.
  const liveOf = async (s: PublicSession) =>
    (await client.sessions({ q: s.email, client: 'all', limit: 1000 })).items.filter((x) => x.userId === s.userId);
  const siteAdmin = p.me.adminProfile === 'Site Administrator';

  const available = (id: string): Availability => {
    switch (id) {
      case 'sessions.idle':
        return siteAdmin ? true : 'Settings are for Site Administrators.';
      case 'sessions.explorer':
      case 'sessions.history':
      case 'history.explorer':
      case 'history.live':
        return true;
    }
    if (!selected) return 'No session is selected.';
    if (id === 'sessions.terminate' && selected.id === p.ownSessionId)
      return "That is this console's own session: press q to quit instead.";
    return true;
  };

  const run = (id: string): void => {
    if (!allowed(p, command(id).changes, available(id))) return;
    const s = selected;
    switch (id) {
      case 'sessions.explorer':
      case 'history.explorer':
        return view.toggleExplorer();
      case 'sessions.history':
      case 'history.live':
        return view.toggleHistory();
      case 'sessions.idle':
        return act.open({
          kind: 'input',
          title: 'Idle auto-terminate',
          label: 'Minutes (empty = off)',
          initial: String(res.settings?.idleTimeoutMinutes ?? ''),
          hint: 'Sessions with no request for this many minutes are ended (1-10080). Empty or "off" turns it off.',
          submit: async (v) => {
            const minutes = v.trim() === '' || v.trim() === 'off' ? null : Number(v);
            const r = await act.runInDialog(
              () => client.updateSettings({ idleTimeoutMinutes: minutes }),
              (x) => `Idle auto-terminate: ${x.idleTimeoutMinutes ? `${x.idleTimeoutMinutes} min` : 'off'}.`,
            );
            return r !== undefined;
          },
        });
    }
    if (!s) return;
    switch (id) {
      case 'sessions.describe':
      case 'history.describe':
        return act.open({ kind: 'session', session: s });
      case 'sessions.terminate':
        return void act.run(
          () => client.terminateSession(s.id),
          () => `Session of ${s.email} (${s.client}) terminated.`,
        );
      case 'sessions.terminateUser':
        return void act
          .run(
            () => liveOf(s),
            () => '',
          )
          .then((live) => {
            if (!live) return;
            const own = live.some((x) => x.id === p.ownSessionId);
            const n = live.length;
            act.open({
              kind: 'confirm',
              title: 'Terminate all sessions',
              message: `End all ${n} live session${n === 1 ? '' : 's'} of ${s.email}${own ? ", this console's own included" : ''}? They will be told the site administrator ended them.`,
              confirmLabel: `End ${n}`,
              run: async () =>
                !!(await act.runInDialog(
                  () => client.terminateUserSessions(s.userId),
                  (r) => `${r.ended} session(s) of ${s.email} terminated.`,
                )),
            });
          });
    }
  };
  return { available, run };
}
