// What the console shows, loaded over the API and kept current by live events.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient, ServerEvent } from '../../src/client/api-client.js';

import type { AuditEntry, LicenseView, MailDelivery, MailEntry, PublicSession, PublicUser, Settings, SiteSettings } from '../../src/domain/schemas.js';

const PAGE = 10_000;
/** The audit screen shows the newest entries. */
const AUDIT_WINDOW = 1000;

async function loadAll<T>(fetchPage: (offset: number) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const page = await fetchPage(out.length);
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}

export interface Resources {
  license: LicenseView | null;
  settings: SiteSettings | null;
  users: PublicUser[];
  sessions: PublicSession[];
  ended: PublicSession[] | null;
  mails: MailEntry[];
  /** Newest first; null until loaded (or when the caller may not read it). */
  audit: AuditEntry[] | null;
  loaded: boolean;
  reload(): Promise<void>;
  loadEnded(): Promise<void>;
  onEvent(e: ServerEvent): void;
  /** Delivery of the messages the console's own actions queued, kept current by events. */
  deliveries: ReadonlyMap<string, MailDelivery>;
  /** Starts following a queued message's delivery (its state now, then events). */
  trackDelivery(id: string): void;
  setUsers(f: (u: PublicUser[]) => PublicUser[]): void;
  setSessions(f: (s: PublicSession[]) => PublicSession[]): void;
  setMails(f: (m: MailEntry[]) => MailEntry[]): void;
  setSettings(s: SiteSettings): void;
  setLicense(l: LicenseView): void;
}

/** Nothing loads until reload(): the console calls it when its event stream opens (and reopens). */
export function useResources(client: ApiClient, onError: (e: unknown) => void): Resources {
  const [license, setLicense] = useState<LicenseView | null>(null);
  const [settings, setSettings] = useState<SiteSettings | null>(null);
  const [users, setUsers] = useState<PublicUser[]>([]);
  const [sessions, setSessions] = useState<PublicSession[]>([]);
  const [ended, setEnded] = useState<PublicSession[] | null>(null);
  const [mails, setMails] = useState<MailEntry[]>([]);
  const [audit, setAudit] = useState<AuditEntry[] | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [deliveries, setDeliveries] = useState<ReadonlyMap<string, MailDelivery>>(new Map());
  const putDelivery = useCallback((d: MailDelivery) => setDeliveries((m) => new Map(m).set(d.id, d)), []);
  const trackDelivery = useCallback(
    (id: string) => void client.outboxMessage(id).then((r) => putDelivery(r.delivery), () => {}),
    [client, putDelivery],
  );
  const errorRef = useRef(onError);
  errorRef.current = onError;
  const licenseTimer = useRef<NodeJS.Timeout | null>(null);

  // Every audited change also sends an event (or is a failed login): the log is re-read, at most
  // once per burst, when events arrive and every 15 seconds (failed logins send no event).
  const auditTimer = useRef<NodeJS.Timeout | null>(null);
  const loadAudit = useCallback(() => {
    client.audit({ limit: AUDIT_WINDOW }).then(
      (r) => setAudit(r.items),
      () => {}, // a User Administrator may not read it; the screen says so
    );
  }, [client]);
  const auditSoon = useCallback(() => {
    if (!auditTimer.current)
      auditTimer.current = setTimeout(() => {
        auditTimer.current = null;
        loadAudit();
      }, 250);
  }, [loadAudit]);

  const reload = useCallback(async () => {
    try {
      const [lic, set, us, ss, ms] = await Promise.all([
        client.license(),
        client.settings(),
        loadAll((offset) => client.users({ offset, limit: PAGE })),
        loadAll((offset) => client.sessions({ client: 'all', offset, limit: PAGE })),
        loadAll((offset) => client.mails({ offset, limit: PAGE })),
      ]);
      setLicense(lic);
      setSettings(set);
      setUsers(us);
      setSessions(ss);
      setMails(ms);
      setLoaded(true);
      loadAudit();
    } catch (e) {
      errorRef.current(e);
    }
  }, [client, loadAudit]);

  const loadEnded = useCallback(async () => {
    try {
      setEnded(await loadAll((offset) => client.sessions({ state: 'ended', client: 'all', offset, limit: PAGE })));
    } catch (e) {
      errorRef.current(e);
    }
  }, [client]);

  // Activity times are not events (every request would be one): refresh them now and then,
  // while the list is small enough for that to be cheap.
  const sessionCount = useRef(0);
  sessionCount.current = sessions.length;
  useEffect(() => {
    const timer = setInterval(() => {
      if (sessionCount.current > 20_000) return;
      loadAll((offset) => client.sessions({ client: 'all', offset, limit: PAGE })).then(setSessions, () => {});
    }, 15_000);
    const auditTick = setInterval(loadAudit, 15_000);
    return () => {
      clearInterval(timer);
      clearInterval(auditTick);
    };
  }, [client, loadAudit]);

  const onEvent = useCallback(
    (e: ServerEvent) => {
      const data = e.data as Record<string, unknown>;
      auditSoon();
      switch (e.type) {
        case 'user.updated': {
          const u = data.user as PublicUser;
          setUsers((list) => {
            const i = list.findIndex((x) => x.id === u.id);
            if (i < 0) return [...list, u];
            const next = list.slice();
            next[i] = u;
            return next;
          });
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
        case 'session.created': {
          const s = data.session as PublicSession;
          setSessions((list) => (list.some((x) => x.id === s.id) ? list.map((x) => (x.id === s.id ? s : x)) : [...list, s]));
          // A login sets the user's last login but sends no user event: keep the Users grid current.
          if (s.client !== 'api')
            setUsers((list) => {
              const i = list.findIndex((u) => u.id === s.userId);
              const at = s.lastActivityAt > s.startedAt ? s.lastActivityAt : s.startedAt;
              if (i < 0 || (list[i].lastLoginAt ?? '') >= at) return list;
              const next = list.slice();
              next[i] = { ...list[i], lastLoginAt: at };
              return next;
            });
          break;
        }
        case 'session.ended': {
          const s = data.session as PublicSession;
          setSessions((list) => list.filter((x) => x.id !== s.id));
          setEnded((list) => (list ? [...list.filter((x) => x.id !== s.id), s] : list));
          break;
        }
        case 'mail.received': {
          const m = data.mail as MailEntry;
          setMails((list) => [m, ...list.filter((x) => x.id !== m.id)]);
          break;
        }
        case 'mail.sent':
        case 'mail.failed': {
          const d = data.mail as MailDelivery;
          setDeliveries((m) => (m.has(d.id) ? new Map(m).set(d.id, d) : m));
          break;
        }
      }
    },
    [client, auditSoon, putDelivery],
  );

  useEffect(
    () => () => {
      if (licenseTimer.current) clearTimeout(licenseTimer.current);
      if (auditTimer.current) clearTimeout(auditTimer.current);
    },
    [],
  );

  return { license, settings, users, sessions, ended, mails, audit, loaded, reload, loadEnded, onEvent, deliveries, trackDelivery, setUsers, setSessions, setMails, setSettings, setLicense };
}
