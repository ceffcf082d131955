// Zod schemas for every stored and exchanged resource: the one place their shape is defined.
import { z } from 'zod';
import { emailProblem } from './email.js';

import { ADMIN_PROFILES, CLIENTS, END_REASONS, USER_PROFILES, USER_STATUSES } from './catalogue.js';

export { ADMIN_PROFILES, CLIENTS, END_REASONS, USER_PROFILES, USER_STATUSES };

export const UserProfile = z.enum(USER_PROFILES);
export const AdminProfile = z.enum(ADMIN_PROFILES);
export const UserStatus = z.enum(USER_STATUSES);
export const Client = z.enum(CLIENTS);
export const EndReason = z.enum(END_REASONS);

const days = z.number().int().min(1).max(3650);
/** The automatic reclamation policy, one of the site settings. Off by default. */
export const ReclaimPolicy = z.object({
  enabled: z.boolean(),
  /** Deactivate active users dormant this many days; null leaves them be. */
  dormantDays: days.nullable(),
  /** Withdraw invitations older than this many days; null leaves them be. */
  pendingDays: days.nullable(),
  /** When the last daily run began (kept by the server; not settable). */
  lastRunAt: z.string().nullable().optional(),
});
export type ReclaimPolicy = z.infer<typeof ReclaimPolicy>;
/** Bulk actions (POST /api/users/bulk, /api/sessions/bulk): each item in its own transaction. */
const Ids = z.array(z.string().min(1).max(100)).min(1, 'name at least one id').max(10_000, 'at most 10000 ids at once');
export const BulkUsersBody = z
  .object({ action: z.enum(['deactivate', 'reactivate', 'resend-activation', 'terminate-sessions']), ids: Ids })
  .strict();
export const BulkSessionsBody = z.object({ action: z.literal('terminate'), ids: Ids }).strict();
/** One change of the seats held (or bought): the seat history. */
export const SeatHistoryEntry = z.object({
  id: z.string(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  /** What changed the count: `user.invite`, `user.deactivate`, `user.reactivate`, `user.withdraw`, `license.update`, `setup`, … */
  action: z.string(),
  targetId: z.string().nullable(),
  targetEmail: z.string().nullable(),
  /** Why, when the policy acted (`dormant`, `stale_invitation`); null for an administrator's own action. */
  reason: z.string().nullable(),
  /** Seats held and seats in the license just after the change. */
  held: z.number().int().min(0),
  seats: z.number().int().min(0),
});
export type SeatHistoryEntry = z.infer<typeof SeatHistoryEntry>;
/** A change to the policy (PUT /api/settings `reclaim`): any of its fields. */
export const ReclaimPolicyBody = z
  .object({
    enabled: z.boolean().optional(),
    dormantDays: days.nullable().optional(),
    pendingDays: days.nullable().optional(),
  })
  .strict();

const iso = z.string();
const isoOrNull = z.string().nullable();

export const Membership = z.object({ projectId: z.string(), profile: UserProfile });

export const User = z.object({
  id: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  status: UserStatus,
  userProfile: UserProfile,
  adminProfile: AdminProfile.nullable(),
  projects: z.array(Membership),
  /** Memberships taken away at deactivation, restored at reactivation. */
  suspendedProjects: z.array(Membership),
  passwordHash: z.string().nullable(),
  createdAt: iso,
  invitedBy: z.string().nullable(),
  activatedAt: isoOrNull,
  lastLoginAt: isoOrNull,
  deactivatedAt: isoOrNull,
  /** Set when an administrator issues a password reset: the old password no longer signs in until the reset is completed. */
  passwordResetPendingAt: isoOrNull.default(null),
});
export type User = z.infer<typeof User>;
/** A user as the API shows it: never the password hash; lists add "Last active" (login or session activity). */
export type PublicUser = Omit<User, 'passwordHash'> & {
  lastActiveAt?: string | null;
  /** In list pages: live sessions counting toward the per-user limit (API sessions do not). */
  liveSessions?: number;
};

export const Project = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  requirements: z.array(z.object({ id: z.string(), title: z.string() })),
  testPlans: z.array(z.object({ id: z.string(), title: z.string() })),
  testCases: z.array(z.object({ id: z.string(), title: z.string(), requirementId: z.string() })),
  createdAt: iso,
});
export type Project = z.infer<typeof Project>;

export const License = z.object({
  plan: z.enum(['trial', 'standard']),
  seats: z.number().int().min(1),
  expiresAt: isoOrNull,
});
export type License = z.infer<typeof License>;

export const Settings = z.object({
  idleTimeoutMinutes: z.number().int().min(1).max(10080).nullable(),
  maxSessionsPerUser: z.number().int().min(1).max(100),
  mailRetention: z.number().int().min(10).max(100000),
  /** Seat reclamation (absent in stores written before it: off). */
  reclaim: ReclaimPolicy.optional(),
});
export type Settings = z.infer<typeof Settings>;

export const Session = z.object({
  id: z.string(),
  userId: z.string(),
  email: z.string(),
  client: Client,
  clientId: z.string().nullable(),
  apiTokenId: z.string().nullable(),
  tokenHash: z.string().nullable(),
  address: z.string(),
  userAgent: z.string(),
  startedAt: iso,
  lastActivityAt: iso,
  endedAt: isoOrNull,
  endReason: EndReason.nullable(),
  endedBy: z.string().nullable(),
});
export type Session = z.infer<typeof Session>;
export type PublicSession = Omit<Session, 'tokenHash'>;

export const ApiToken = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  tokenHash: z.string(),
  createdAt: iso,
  lastUsedAt: isoOrNull,
  revokedAt: isoOrNull,
});
export type ApiToken = z.infer<typeof ApiToken>;

/** Single-use links: activation and password reset. */
export const ActionToken = z.object({
  id: z.string(),
  kind: z.enum(['activation', 'reset']),
  userId: z.string(),
  tokenHash: z.string(),
  createdAt: iso,
  expiresAt: iso,
  usedAt: isoOrNull,
});
export type ActionToken = z.infer<typeof ActionToken>;

export const MailEntry = z.object({
  id: z.string(),
  messageId: z.string().nullable(),
  from: z.string(),
  to: z.array(z.string()),
  /** Added in 0.2; stores written before have none. */
  cc: z.array(z.string()).default([]),
  /** Envelope recipients that To and Cc do not name (blind copies). */
  bcc: z.array(z.string()).default([]),
  subject: z.string(),
  date: iso,
  receivedAt: iso,
  size: z.number(),
  file: z.string(),
  snippet: z.string(),
});
export type MailEntry = z.infer<typeof MailEntry>;

export const AuditEntry = z.object({
  id: z.string(),
  at: iso,
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  targetId: z.string().nullable(),
  targetEmail: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** A message Seatdesk sends, written in the same transaction as the change that causes it. */
export const OutboxMessage = z.object({
  id: z.string(),
  /** The RFC 5322 Message-ID, the same on every attempt (a retry after a crash is a duplicate, not a new message). */
  messageId: z.string(),
  kind: z.enum(['invitation', 'resend', 'reset', 'reactivation', 'notice']),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  userId: z.string().nullable(),
  /** Who caused it (for the audit entry of its delivery). */
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  status: z.enum(['queued', 'sent', 'failed']),
  attempts: z.number().int().min(0),
  createdAt: iso,
  nextAttemptAt: isoOrNull,
  lastAttemptAt: isoOrNull,
  lastError: z.string().nullable(),
  sentAt: isoOrNull,
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;
/** What an action that sends mail answers: the message is queued, durably, and sent in the background. */
export type MailQueued = { status: OutboxMessage['status']; id: string };
/** Where a message Seatdesk sent stands (GET /api/mail/outbox/:id, mail.sent and mail.failed events). */
export type MailDelivery = Pick<
  OutboxMessage,
  'id' | 'status' | 'to' | 'subject' | 'attempts' | 'createdAt' | 'sentAt' | 'nextAttemptAt' | 'lastError'
>;

export const Site = z.object({ name: z.string(), createdAt: iso });
export type Site = z.infer<typeof Site>;

export const SCHEMA_VERSION = 3;

export const StoreData = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  seq: z.number().int().min(0),
  site: Site,
  license: License,
  settings: Settings,
  users: z.array(User),
  projects: z.array(Project),
  sessions: z.array(Session),
  apiTokens: z.array(ApiToken),
  actionTokens: z.array(ActionToken),
  mails: z.array(MailEntry),
  audit: z.array(AuditEntry),
  outbox: z.array(OutboxMessage),
  seatHistory: z.array(SeatHistoryEntry),
});
export type StoreData = z.infer<typeof StoreData>;

// ---- request bodies -------------------------------------------------------

/** A login email: one plain address (see email.ts), trimmed and lower-cased. Every route that takes one uses this. */
export const Email = z
  .string()
  .max(1024, 'is too long (at most 254 characters)')
  .trim()
  .toLowerCase()
  .superRefine((value, ctx) => {
    const problem = emailProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Counted in characters (code points), so any Unicode password of 12 to 128 characters fits. */
export const Password = z
  .string()
  .max(1024, 'password must be at most 128 characters')
  .refine((p) => [...p].length >= 12, 'password must be at least 12 characters')
  .refine((p) => [...p].length <= 128, 'password must be at most 128 characters');

export const SetupBody = z.object({
  email: Email,
  password: Password,
  firstName: z.string().trim().max(100).optional(),
  lastName: z.string().trim().max(100).optional(),
});
export const InviteBody = z.object({
  email: Email,
  userProfile: UserProfile.optional(),
  adminProfile: AdminProfile.nullable().optional(),
});
export const PatchUserBody = z
  .object({
    firstName: z.string().trim().max(100).optional(),
    lastName: z.string().trim().max(100).optional(),
    userProfile: UserProfile.optional(),
    adminProfile: AdminProfile.nullable().optional(),
  })
  .strict();
export const LoginBody = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(1024),
  client: z.enum(['web', 'tui', 'explorer']).optional(),
  clientId: z.string().min(1).max(200).optional(),
  replaceSessionId: z.string().max(100).optional(),
  terminateOldest: z.boolean().optional(),
});
export const CompleteTokenBody = z.object({
  token: z.string().min(1).max(200),
  password: Password,
  firstName: z.string().trim().max(100).optional(),
  lastName: z.string().trim().max(100).optional(),
});
export const LicenseBody = z
  .object({
    plan: z.enum(['trial', 'standard']).optional(),
    seats: z.number().int().min(1).max(1_000_000).optional(),
    expiresAt: z.iso.datetime().nullable().optional(),
  })
  .strict();
export const SettingsBody = z
  .object({
    idleTimeoutMinutes: z.number().int().min(1).max(10080).nullable().optional(),
    maxSessionsPerUser: z.number().int().min(1).max(100).optional(),
    mailRetention: z.number().int().min(10).max(100000).optional(),
    reclaim: ReclaimPolicyBody.optional(),
  })
  .strict();
export const TokenBody = z.object({ name: z.string().trim().min(1).max(100) });

export type LicenseView = License & { held: number; available: number };
/** How Seatdesk's mail leaves: to the built-in sink (on its port), an external relay, or nowhere. */
export type MailMode = { mode: 'sink' | 'relay' | 'off'; sinkPort: number | null };
/** GET /api/settings: the settings, plus the mail mode fixed at start. */
export type SiteSettings = Settings & { mail?: MailMode };

// ---- response shapes shared by the server and the API client ---------------

export interface MailLink {
  url: string;
  kind: 'activation' | 'reset' | 'other';
}

/** A captured message as the reader shows it. */
export interface MailMessage extends MailEntry {
  headers: { key: string; value: string }[];
  text: string;
  htmlText: string | null;
  links: MailLink[];
  attachments: { filename: string | null; contentType: string; size: number }[];
}

/** An action that issues a link (invite, resend, reset): the link, and whether it was mailed. */
export interface LinkResult {
  user: PublicUser;
  activationLink?: string;
  resetLink?: string;
  mail: MailQueued;
}
export type UserProfile = z.infer<typeof UserProfile>;
export type AdminProfile = z.infer<typeof AdminProfile>;
export type UserStatus = z.infer<typeof UserStatus>;
export type Client = z.infer<typeof Client>;
export type EndReason = z.infer<typeof EndReason>;
