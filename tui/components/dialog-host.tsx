// Renders the open dialog and wires its outcome back to the app (one place for every dialog kind).
import { useEffect, useState } from 'react';
import type { MailDelivery } from '../../src/domain/schemas.js';
import type { ApiClient } from '../../src/client/api-client.js';
import type { TabId } from '../commands.js';
import { linkNote } from '../hooks/link-note.js';
import type { Resources } from '../hooks/use-resources.js';
import type { Actions } from '../screens/screen-props.js';
import type { Dialog, UiAction } from '../ui-state.js';
import {
  AuditDialog,
  ConfirmDialog,
  DetailsDialog,
  HelpDialog,
  InputDialog,
  LinkDialog,
  SessionDialog,
} from './dialogs.js';
import { importSource } from './import-source.js';
import { ImportDialog } from './import-dialog.js';
import { EditProfilesDialog, InviteDialog } from './user-dialogs.js';

export function DialogHost(props: {
  dialog: Dialog;
  tab: TabId;
  readOnly: boolean;
  width: number;
  height: number;
  busy: boolean;
  error: string | null;
  res: Resources;
  ownSessionId: string | null;
  client: ApiClient;
  act: Actions;
  dispatch: (a: UiAction) => void;
}) {
  const { dialog: d, width, busy, error, client, act, dispatch, res } = props;
  const followed = d?.kind === 'link' ? d.mailId : undefined;
  const { trackDelivery } = res;
  useEffect(() => {
    if (followed) trackDelivery(followed);
  }, [followed, trackDelivery]);
  // User details list the user's mail and where each message stands.
  const detailsOf = d?.kind === 'details' ? d.user.id : undefined;
  const [userMail, setUserMail] = useState<MailDelivery[]>([]);
  useEffect(() => {
    setUserMail([]);
    if (!detailsOf) return;
    let live = true;
    client.userDeliveries(detailsOf).then(
      (r) => {
        if (!live) return;
        setUserMail(r.items);
        for (const m of r.items) if (m.status === 'queued') trackDelivery(m.id);
      },
      () => {},
    );
    return () => void (live = false);
  }, [detailsOf, client, trackDelivery]);
  const close = () => dispatch({ type: 'close' });
  const emailOf = res.emailOf;
  const settle = (p: Promise<boolean>) => void p.then((ok) => ok && close());
  switch (d.kind) {
    case 'help':
      return (
        <HelpDialog tab={props.tab} readOnly={props.readOnly} width={width} height={props.height} onClose={close} />
      );
    case 'confirm':
      return (
        <ConfirmDialog
          title={d.title}
          message={d.message}
          confirmLabel={d.confirmLabel}
          width={width}
          busy={busy}
          error={error}
          onCancel={close}
          onConfirm={() => settle(d.run())}
        />
      );
    case 'link':
      return (
        <LinkDialog
          title={d.title}
          links={d.links}
          note={d.note}
          delivery={d.mailId ? res.deliveries.get(d.mailId) : undefined}
          width={width}
          onClose={close}
          onCopy={(l) => act.copy(l.url, l.label.replace(/^\[\d+\] /, ''))}
        />
      );
    case 'details':
      return (
        <DetailsDialog
          user={res.latestUser(d.user.id) ?? d.user}
          width={width}
          emailOf={emailOf}
          mail={userMail.map((m) => res.deliveries.get(m.id) ?? m)}
          onClose={close}
        />
      );
    case 'session':
      return (
        <SessionDialog
          session={d.session}
          width={width}
          emailOf={emailOf}
          own={d.session.id === props.ownSessionId}
          onClose={close}
        />
      );
    case 'audit':
      return <AuditDialog entry={d.entry} width={width} onClose={close} />;
    case 'input':
      return (
        <InputDialog
          title={d.title}
          label={d.label}
          initial={d.initial}
          hint={d.hint}
          choices={d.choices}
          width={width}
          busy={busy}
          error={error}
          onCancel={close}
          onSubmit={(v) => settle(d.submit(v))}
        />
      );
    case 'invite':
      return (
        <InviteDialog
          width={width}
          busy={busy}
          error={error}
          onCancel={close}
          onSubmit={async (v) => {
            const r = await act.runInDialog(
              () => client.invite(v),
              (x) => `Invited ${x.user.email}.`,
            );
            if (r)
              act.open({
                kind: 'link',
                title: 'Activation Link',
                links: [{ label: `activation link for ${r.user.email}`, url: r.activationLink! }],
                note: linkNote(r.mail),
                mailId: r.mail.id,
              });
          }}
        />
      );
    case 'import':
      return (
        <ImportDialog
          width={width}
          height={props.height}
          source={importSource(client)}
          onCancel={close}
          onDone={(r) => {
            close();
            const failed = r.results.filter((x) => !x.ok);
            const skipped = r.preview.invalid.length + r.preview.duplicates.length;
            act.flash(
              `Invited ${r.results.length - failed.length} of ${r.preview.rows} rows` +
                (skipped ? `, ${skipped} invalid or duplicate` : '') +
                (failed.length ? `, ${failed.length} failed (${failed[0].email}: ${failed[0].error?.message})` : '') +
                '.',
              failed.length ? 'error' : 'ok',
            );
            void res.reload();
          }}
        />
      );
    case 'edit':
      return (
        <EditProfilesDialog
          user={d.user}
          width={width}
          busy={busy}
          error={error}
          onCancel={close}
          onSubmit={async (v) => {
            const r = await act.runInDialog(
              () => client.patchUser(d.user.id, v),
              (x) => `Profiles of ${x.user.email} saved.`,
            );
            if (r) close();
          }}
        />
      );
  }
}
