// What the console shows: the license and settings, the newest audit entries, and a window onto
// each list (users, live and ended sessions, mail) that holds only the rows near the view. Live
// events update a row in place or have the visible window fetched again; nothing loads a whole
// collection.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient, ServerEvent } from '../../src/client/api-client.js';

import type {
  AuditEntry,
  LicenseView,
  MailDelivery,
  MailEntry,
  PublicSession,
  PublicUser,
  Settings,
  SiteSettings,
} from '../../src/domain/schemas.js';
import { CLIENTS, USER_STATUSES } from '../../src/domain/catalogue.js';
import { ListWindow, type FetchArgs } from './list-window.js';
import { parseFilter } from './use-grid.js';
import { parseUserFilter } from '../../src/domain/reclaim.js';

/** The audit screen shows the newest entries. */
const AUDIT_WINDOW = 1000;

export interface Resources {
  license: LicenseView | null;
  settings: SiteSettings | null;
  /** A window onto each list: only the rows near what is shown are held. */
  users: ListWindow<PublicUser>;
  sessions: ListWindow<PublicSession>;
  ended: ListWindow<PublicSession>;
  mails: ListWindow<MailEntry>;
  /** Newest first; null until loaded (or when the caller may not read it). Loaded once watched. */
  audit: AuditEntry[] | null;
  /** The audit screen is shown: load the log now, and keep it current from then on. */
  watchAudit(): void;
  /** License and settings have arrived. */
  loaded: boolean;
  /** A user's login email by id (fetched once when not yet seen; the id until then). */
  emailOf(id: string | null): string;
  /** The newest copy of a user the console has seen (a dialog showing one stays current). */
  latestUser(id: string): PublicUser | undefined;
  reload(): Promise<void>;
  onEvent(e: ServerEvent): void;
  /** Delivery of the messages the console's own actions queued, kept current by events. */
  deliveries: ReadonlyMap<string, MailDelivery>;
  /** Starts following a queued message's delivery (its state now, then events). */
  trackDelivery(id: string): void;
  setSettings(s: SiteSettings): void;
  setLicense(l: LicenseView): void;
}

const common = (a: FetchArgs) => ({ sort: a.sort, order: a.order, cursor: a.cursor, offset: a.offset, limit: a.limit });

/**
 * License and settings load when the event stream opens (and reopens); each list, and the audit
 * log, once its screen is first shown (a thousand audit entries do not delay the first frame).
 */
export function useResources(client: ApiClient, onError: (e: unknown) => void): Resources {
  const [license, setLicense] = useState<LicenseView | null>(null);
  const [settings, setSettings] = useState<SiteSettings | null>(null);
  const [audit, setAudit] = useState<AuditEntry[] | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [deliveries, setDeliveries] = useState<ReadonlyMap<string, MailDelivery>>(new Map());
  const putDelivery = useCallback((d: MailDelivery) => setDeliveries((m) => new Map(m).set(d.id, d)), []);
  const trackDelivery = useCallback(
    (id: string) =>
      void client.outboxMessage(id).then(
        (r) => putDelivery(r.delivery),
        () => {},
      ),
    [client, putDelivery],
  );
  const errorRef = useRef(onError);
  errorRef.current = onError;
  const licenseTimer = useRef<NodeJS.Timeout | null>(null);
  const report = useCallback((e: unknown) => errorRef.current(e), []);

  // Users seen in pages and events, by id: emails for "invited by" / "ended by", fresh copies for dialogs.
  const known = useRef(new Map<string, PublicUser>());
  const asking = useRef(new Set<string>());
  const [, setKnownVersion] = useState(0);
  const remember = useCallback((users: readonly PublicUser[]) => {
    for (const u of users) known.current.set(u.id, u);
    if (known.current.size > 5000) for (const id of [...known.current.keys()].slice(0, 1000)) known.current.delete(id);
  }, []);
  const emailOf = useCallback(
    (id: string | null): string => {
      if (!id) return '—';
      const u = known.current.get(id);
      if (u) return u.email;
      if (!asking.current.has(id)) {
        asking.current.add(id);
        client.user(id).then(
          (r) => {
            remember([r.user]);
            setKnownVersion((v) => v + 1);
          },
          () => {}, // a deleted or foreign id stays shown as the id
        );
      }
      return id;
    },
    [client, remember],
  );

  const windows = useMemo(() => {
    const users = new ListWindow<PublicUser>(async (a, signal) => {
      // `dormant:90` / `pending:14` select the reclamation views; `status:`, `profile:`, `admin:`
      // narrow; the rest is a substring of the login email or name. The server answers all of it.
      const u = parseUserFilter(a.q);
      const f = parseFilter(u.text, ['status', 'profile', 'admin']);
      const field = (name: string) => f.fields.find((x) => x.name === name)?.value;
      const picked = field('status');
      const status = picked ? USER_STATUSES.find((x) => x.startsWith(picked)) : undefined;
      const narrow = {
        q: f.text || undefined,
        status,
        profile: field('profile'),
        admin: field('admin'),
        dormantDays: u.dormantDays,
        pendingOlderThanDays: u.pendingOlderThanDays,
      };
      const page = await client.users({ ...common(a), ...narrow }, signal);
      remember(page.items);
      return page;
    }, report);
    const sessionsOf = (state: 'live' | 'ended') =>
      new ListWindow<PublicSession>((a, signal) => {
        // `client:web` narrows to a client; the rest is a substring of the login email.
        const f = parseFilter(a.q, ['client']);
        const picked = f.fields.find((x) => x.name === 'client')?.value;
        const one = picked ? CLIENTS.find((c) => c.startsWith(picked)) : undefined;
        return client.sessions(
          { ...common(a), q: f.text || undefined, state, client: one ?? a.params?.client },
          signal,
        );
      }, report);
    const mails = new ListWindow<MailEntry>((a, signal) => {
      // `to:` a recipient; `from:` and `subject:` search like free text (from, recipients, subject).
      const f = parseFilter(a.q, ['to', 'from', 'subject']);
      const to = f.fields.find((x) => x.name === 'to')?.value;
      const text = [f.text, ...f.fields.filter((x) => x.name !== 'to').map((x) => x.value)].filter(Boolean).join(' ');
      return client.mails({ ...common(a), q: text || undefined, to }, signal);
    }, report);
    return { users, sessions: sessionsOf('live'), ended: sessionsOf('ended'), mails };
  }, [client, report, remember]);
  useEffect(() => () => Object.values(windows).forEach((w) => w.dispose()), [windows]);

  // Every audited change also sends an event (or is a failed login): the log is re-read, at most
  // once per burst, when events arrive and every 15 seconds (failed logins send no event).
  const auditTimer = useRef<NodeJS.Timeout | null>(null);
  const auditWatched = useRef(false);
  const loadAudit = useCallback(() => {
    if (!auditWatched.current) return;
    client.audit({ limit: AUDIT_WINDOW }).then(
      (r) => setAudit(r.items),
      () => {}, // a User Administrator may not read it; the screen says so
    );
  }, [client]);
  const watchAudit = useCallback(() => {
    if (auditWatched.current) return;
    auditWatched.current = true;
    loadAudit();
  }, [loadAudit]);
  const auditSoon = useCallback(() => {
    if (!auditTimer.current)
      auditTimer.current = setTimeout(() => {
        auditTimer.current = null;
        loadAudit();
      }, 250);
  }, [loadAudit]);

  const reload = useCallback(async () => {
    try {
      // The lists on screen are fetched again too: changes may have happened while disconnected.
      for (const w of Object.values(windows)) w.invalidate(0);
      const [lic, set] = await Promise.all([client.license(), client.settings()]);
      setLicense(lic);
      setSettings(set);
      setLoaded(true);
      loadAudit();
    } catch (e) {
      errorRef.current(e);
    }
  }, [client, loadAudit, windows]);

  // Activity times are not events (every request would be one): refresh the shown sessions now and then.
  useEffect(() => {
    const timer = setInterval(() => windows.sessions.invalidate(0), 15_000);
    const auditTick = setInterval(loadAudit, 15_000);
    return () => {
      clearInterval(timer);
      clearInterval(auditTick);
    };
  }, [windows, loadAudit]);

  const onEvent = useCallback(
    (e: ServerEvent) => {
      const data = e.data as Record<string, unknown>;
      auditSoon();
      switch (e.type) {
        case 'user.updated': {
          const u = data.user as PublicUser;
          remember([u]);
          windows.users.patch(u);
          windows.users.invalidate();
          break;
        }
        case 'license.updated':
          // Bursts of invitations send many of these: fetch once per burst.
          if (!licenseTimer.current)
            licenseTimer.current = setTimeout(() => {
              licenseTimer.current = null;
              client.license().then(setLicense, (err) => errorRef.current(err));
            }, 100);
          break;
        case 'settings.updated':
          setSettings((old) => ({ ...old, ...(data.settings as Settings) }));
          break;
        case 'session.created':
          windows.sessions.invalidate();
          // A login sets the user's last login (and their session count) but sends no user event.
          windows.users.invalidate();
          break;
        case 'session.ended':
          windows.sessions.invalidate();
          windows.ended.invalidate();
          windows.users.invalidate();
          break;
        case 'mail.received':
          windows.mails.invalidate();
          break;
        case 'mail.sent':
        case 'mail.failed': {
          const d = data.mail as MailDelivery;
          setDeliveries((m) => (m.has(d.id) ? new Map(m).set(d.id, d) : m));
          break;
        }
      }
    },
    [client, auditSoon, windows, remember],
  );

  useEffect(
    () => () => {
      if (licenseTimer.current) clearTimeout(licenseTimer.current);
      if (auditTimer.current) clearTimeout(auditTimer.current);
    },
    [],
  );

  const latestUser = useCallback((id: string) => known.current.get(id), []);
  return {
    license,
    settings,
    ...windows,
    audit,
    watchAudit,
    loaded,
    emailOf,
    latestUser,
    reload,
    onEvent,
    deliveries,
    trackDelivery,
    setSettings,
    setLicense,
  };
}
