// Renders the open dialog and wires its outcome back to the app (one place for every dialog kind).
import type { ApiClient } from '../../src/api-client.js';
import type { PublicUser } from '../../src/domain/schemas.js';
import type { TabId } from '../keys.js';
import type { Actions } from '../screens/screen-props.js';
import { mailNote } from '../screens/users-screen.js';
import type { Dialog, UiAction } from '../ui-state.js';
import { ConfirmDialog, DetailsDialog, HelpDialog, InputDialog, LinkDialog } from './dialogs.js';
import { EditProfilesDialog, InviteDialog } from './user-dialogs.js';

export function DialogHost(props: {
  dialog: Dialog;
  tab: TabId;
  readOnly: boolean;
  width: number;
  busy: boolean;
  users: PublicUser[];
  client: ApiClient;
  act: Actions;
  dispatch: (a: UiAction) => void;
}) {
  const { dialog: d, width: columns, busy, client, act, dispatch } = props;
  const close = () => dispatch({ type: 'close' });
  return d.kind === 'help' ? (
    <HelpDialog tab={props.tab} readOnly={props.readOnly} width={columns} onClose={close} />
  ) : d.kind === 'confirm' ? (
    <ConfirmDialog title={d.title} message={d.message} confirmLabel={d.confirmLabel} width={columns} onCancel={close} onConfirm={() => (close(), void d.run())} />
  ) : d.kind === 'link' ? (
    <LinkDialog title={d.title} link={d.link} note={d.note} width={columns} onClose={close} onCopy={() => act.copy(d.link, 'link')} />
  ) : d.kind === 'details' ? (
    <DetailsDialog user={props.users.find((u) => u.id === d.user.id) ?? d.user} width={columns} onClose={close} />
  ) : d.kind === 'input' ? (
    <InputDialog title={d.title} label={d.label} initial={d.initial} hint={d.hint} width={columns} onCancel={close} onSubmit={(v) => (close(), void d.submit(v))} />
  ) : d.kind === 'invite' ? (
    <InviteDialog
      width={columns}
      busy={busy}
      onCancel={close}
      onSubmit={async (v) => {
        const r = await act.run(() => client.invite(v), (x) => `Invited ${x.user.email}.`);
        if (r) dispatch({ type: 'open', dialog: { kind: 'link', title: 'Activation Link', link: r.activationLink!, note: mailNote(r.mail) } });
      }}
    />
  ) : (
    <EditProfilesDialog
      user={d.user}
      width={columns}
      busy={busy}
      onCancel={close}
      onSubmit={async (v) => {
        const r = await act.run(() => client.patchUser(d.user.id, v), (x) => `Profiles of ${x.user.email} saved.`);
        if (r) close();
      }}
    />
  );
}
