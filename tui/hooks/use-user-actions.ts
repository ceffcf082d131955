// What the Users screen's commands do, and when each applies to the selected user.
import type { PublicUser } from '../../src/domain/schemas.js';
import { command } from '../commands.js';
import { allowed, type Availability, type ScreenProps } from '../screens/screen-props.js';
import { linkNote } from './link-note.js';

export function userAvailability(
  id: string,
  u: PublicUser | undefined,
  me: PublicUser,
  liveSessions: number,
): Availability {
  if (id === 'users.invite') return true;
  if (!u) return 'No user is selected.';
  const siteAdminTarget = u.adminProfile === 'Site Administrator' && me.adminProfile !== 'Site Administrator';
  const guarded = `${u.email} is a Site Administrator; a User Administrator cannot change them.`;
  switch (id) {
    case 'users.deactivate':
      if (u.id === me.id) return 'You cannot deactivate yourself; another administrator can.';
      if (u.status === 'inactive') return `${u.email} is already inactive.`;
      return siteAdminTarget ? guarded : true;
    case 'users.reactivate':
      return u.status === 'inactive'
        ? siteAdminTarget
          ? guarded
          : true
        : `${u.email} is ${u.status}: only inactive users can be reactivated.`;
    case 'users.resend':
      if (u.status !== 'pending')
        return `${u.email} is ${u.status}: activation links are for pending users.${u.status === 'active' ? ' Use p to reset the password.' : ''}`;
      return me.adminProfile === 'Site Administrator' ? true : 'Resending activation links is for Site Administrators.';
    case 'users.reset':
      if (u.status === 'pending') return `${u.email} has not activated yet: resend the activation link with a.`;
      if (u.status === 'inactive') return `${u.email} is inactive: reactivate them first (r).`;
      return siteAdminTarget ? guarded : true;
    case 'users.edit':
      return siteAdminTarget ? guarded : true;
    case 'users.endSessions':
      if (liveSessions === 0) return `${u.email} has no live sessions.`;
      return siteAdminTarget ? guarded : true;
    default:
      return true;
  }
}

export function useUserActions(
  p: ScreenProps,
  selected: PublicUser | undefined,
  liveSessions: (u: PublicUser) => number,
) {
  const { act, client } = p;
  const available = (id: string): Availability =>
    userAvailability(id, selected, p.me, selected ? liveSessions(selected) : 0);

  const run = (id: string): void => {
    const u = selected;
    if (!allowed(p, command(id).changes, available(id))) return;
    if (id === 'users.invite') return act.open({ kind: 'invite' });
    if (!u) return;
    switch (id) {
      case 'users.details':
        return act.open({ kind: 'details', user: u });
      case 'users.mail':
        return p.dispatch({ type: 'mailTo', email: u.email });
      case 'users.edit':
        return act.open({ kind: 'edit', user: u });
      case 'users.deactivate':
        return act.open({
          kind: 'confirm',
          title: 'Deactivate user',
          message: `Deactivate ${u.email}? Their seat is freed, they leave every project, and all their sessions end now.`,
          confirmLabel: 'Deactivate',
          run: async () =>
            !!(await act.runInDialog(
              () => client.deactivate(u.id),
              () => `${u.email} deactivated; seat freed.`,
            )),
        });
      case 'users.reactivate':
        return act.open({
          kind: 'confirm',
          title: 'Reactivate user',
          message: `Reactivate ${u.email}? This takes a seat and restores their projects.`,
          confirmLabel: 'Reactivate',
          run: async () =>
            !!(await act.runInDialog(
              () => client.reactivate(u.id),
              (r) => `${u.email} reactivated (${r.user.status}). A notice is on its way by mail.`,
            )),
        });
      case 'users.resend':
        return act.open({
          kind: 'confirm',
          title: 'Resend activation',
          message: `Send ${u.email} a new activation link? The old link stops working.`,
          confirmLabel: 'Resend',
          run: async () => {
            const r = await act.runInDialog(
              () => client.resendActivation(u.id),
              () => `New activation link for ${u.email}.`,
            );
            if (r)
              act.open({
                kind: 'link',
                title: 'Activation Link',
                links: [{ label: `activation link for ${u.email}`, url: r.activationLink! }],
                note: linkNote(r.mail),
                mailId: r.mail.id,
              });
            return false; // replaced by the link dialog
          },
        });
      case 'users.reset':
        return act.open({
          kind: 'confirm',
          title: 'Reset password',
          message: `Reset the password of ${u.email}? All their sessions and API tokens end now, and they get a one-hour reset link.`,
          confirmLabel: 'Reset',
          run: async () => {
            const r = await act.runInDialog(
              () => client.resetPassword(u.id),
              () => `Password reset for ${u.email}.`,
            );
            if (r)
              act.open({
                kind: 'link',
                title: 'Password Reset Link',
                links: [{ label: `reset link for ${u.email}`, url: r.resetLink! }],
                note: linkNote(r.mail),
                mailId: r.mail.id,
              });
            return false;
          },
        });
      case 'users.endSessions': {
        const n = liveSessions(u);
        return act.open({
          kind: 'confirm',
          title: 'End all sessions',
          message: `End all ${n} live session${n === 1 ? '' : 's'} of ${u.email}? They will be told the site administrator ended them.`,
          confirmLabel: `End ${n}`,
          run: async () =>
            !!(await act.runInDialog(
              () => client.terminateUserSessions(u.id),
              (r) => `${r.ended} session(s) of ${u.email} terminated.`,
            )),
        });
      }
    }
  };
  return { available, run };
}
