// Signing in: the first-run setup form (create the Site Administrator) and the login form.
import { useState } from 'react';
import { ApiError, type ApiClient } from '../../src/client/api-client.js';
import type { PublicUser } from '../../src/domain/schemas.js';
import { Form } from '../components/form.js';

export const isAdmin = (u: PublicUser) => u.adminProfile !== null;

type Done = (token: string, me: PublicUser, sessionId: string) => void;

export function SetupForm(p: { client: ApiClient; width: number; clientId: string; onDone: Done }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Form
      title="Welcome to Seatdesk: create the Site Administrator"
      intro="No administrator exists yet. The account you create here manages seats, users, sessions and mail."
      fields={[
        { label: 'Email', placeholder: 'you@example.com' },
        { label: 'First name' },
        { label: 'Last name', placeholder: 'optional' },
        { label: 'Password', mask: true },
        { label: 'Password again', mask: true },
      ]}
      busy={busy}
      error={error}
      width={p.width}
      onSubmit={async ([email, firstName, lastName, pw, pw2]) => {
        if (!firstName.trim()) return setError('Enter your first name (it is shown in the Users list).');
        if (pw !== pw2) return setError('The two passwords are not the same.');
        setBusy(true);
        setError(null);
        try {
          await p.client.setup(email, pw, { firstName, lastName });
          const r = await p.client.login({ email, password: pw, client: 'tui', clientId: p.clientId });
          p.onDone(r.token, r.user, r.session.id);
        } catch (e) {
          setError((e as Error).message);
          setBusy(false);
        }
      }}
    />
  );
}

export function LoginForm(p: {
  client: ApiClient;
  width: number;
  clientId: string;
  message: string | null;
  email?: string | null;
  onDone: Done;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(p.message);
  const [limit, setLimit] = useState(false);
  return (
    <Form
      title="Seatdesk · sign in"
      intro={`Server ${p.client.baseUrl}. Sign in with a Site or User Administrator account.`}
      fields={[
        { label: 'Email', initial: p.email ?? '' },
        { label: 'Password', mask: true },
      ]}
      focus={p.email ? 1 : 0}
      busy={busy}
      error={error}
      notice={limit ? 'Press Enter again to end your least recently active session and sign in.' : null}
      width={p.width}
      onSubmit={async ([email, password]) => {
        setBusy(true);
        setError(null);
        try {
          const r = await p.client.login({
            email,
            password,
            client: 'tui',
            clientId: p.clientId,
            terminateOldest: limit || undefined,
          });
          if (!isAdmin(r.user)) {
            p.client.token = r.token;
            await p.client.logout().catch(() => {});
            p.client.token = null;
            throw new Error('This console is for administrators; your account has no admin profile.');
          }
          p.onDone(r.token, r.user, r.session.id);
        } catch (e) {
          setLimit(e instanceof ApiError && e.code === 'session_limit_reached');
          setError((e as Error).message);
          setBusy(false);
        }
      }}
    />
  );
}
