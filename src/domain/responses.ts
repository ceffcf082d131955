// Zod schemas of what the API answers: the OpenAPI document is built from them, and a test checks
// real responses against that document. Stored shapes come from schemas.ts; only views live here.
import { z } from 'zod';
import {
  ApiToken,
  AuditEntry,
  License,
  MailEntry,
  OutboxMessage,
  SeatHistoryEntry,
  Session,
  Settings,
  User,
} from './schemas.js';

export const ErrorResponse = z.object({
  error: z
    .object({
      code: z.string().describe('Stable machine-readable code, e.g. `no_available_licenses`.'),
      message: z.string().describe('What happened and what to do about it, for a person.'),
    })
    .catchall(z.unknown())
    .describe(
      'Some codes carry more fields: `session_limit_reached` lists `sessions`, `session_terminated` gives `reason`.',
    ),
});

export const PublicUserView = User.omit({ passwordHash: true });
export const PublicSessionView = Session.omit({ tokenHash: true });
export const LicenseView = License.extend({
  held: z.number().int().describe('Seats held by pending and active users.'),
  available: z.number().int().describe('seats - held, never negative.'),
});
export const MailModeView = z.object({ mode: z.enum(['sink', 'relay', 'off']), sinkPort: z.number().int().nullable() });
export const SettingsView = Settings;
export const SiteSettingsView = Settings.extend({ mail: MailModeView.optional() });

/** The mail an action caused: written to the outbox with the change, sent in the background. */
export const MailOutcome = z.object({
  status: z.enum(['queued', 'sent', 'failed']),
  id: z.string().describe('Follow it at GET /api/mail/outbox/{id}.'),
});

/** Where a message Seatdesk sent stands. */
export const MailDeliveryView = OutboxMessage.pick({
  id: true,
  status: true,
  to: true,
  subject: true,
  attempts: true,
  createdAt: true,
  sentAt: true,
  nextAttemptAt: true,
  lastError: true,
});

export const LinkResultView = z.object({
  user: PublicUserView,
  activationLink: z.string().optional(),
  resetLink: z.string().optional(),
  mail: MailOutcome,
});

const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), nextCursor: z.string().nullable().optional() });

export const UserPage = page(
  PublicUserView.extend({
    lastActiveAt: z
      .string()
      .nullable()
      .optional()
      .describe('The later of the last login and the last request on any session.'),
    liveSessions: z
      .number()
      .int()
      .optional()
      .describe('Live sessions counting toward the per-user limit (API sessions do not).'),
  }),
);
export const SessionPage = page(PublicSessionView).extend({ activeCount: z.number().int() });
export const MailPage = page(MailEntry);
export const AuditPage = page(AuditEntry);

export const MailLinkView = z.object({ url: z.string(), kind: z.enum(['activation', 'reset', 'other']) });
export const AttachmentView = z.object({
  filename: z.string().nullable(),
  contentType: z.string(),
  size: z.number().int().describe('Decoded size in bytes.'),
});
export const MailMessageView = MailEntry.extend({
  cc: z.array(z.string()),
  bcc: z.array(z.string()).optional().describe('Envelope recipients named in neither To nor Cc.'),
  headers: z.array(z.object({ key: z.string(), value: z.string() })),
  text: z.string(),
  htmlText: z.string().nullable(),
  links: z.array(MailLinkView),
  attachments: z.array(AttachmentView),
});

export const TokenView = ApiToken.omit({ tokenHash: true });
export const CreatedToken = z.object({
  id: z.string(),
  name: z.string(),
  token: z.string().describe('Shown once.'),
  createdAt: z.string(),
});

export const ProjectSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  members: z.number().int(),
  requirements: z.number().int(),
  testPlans: z.number().int(),
  testCases: z.number().int(),
});

export const Diag = z.object({
  rss: z.number(),
  maxRss: z.number(),
  heapUsed: z.number(),
  loop: z.object({ p50: z.number(), p99: z.number(), max: z.number(), mean: z.number() }).nullable(),
  sseClients: z.number().int(),
  trackedPeak: z.number().nullable(),
});

export const Ok = z.object({ ok: z.literal(true) });

// ---- seat reclamation ----

const ItemError = z.object({ code: z.string(), message: z.string() });
export const BulkResultView = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      ok: z.boolean(),
      changed: z
        .boolean()
        .optional()
        .describe('false: already in the asked-for state (a retry, or another administrator was first).'),
      error: ItemError.optional(),
      link: z.string().optional().describe('The new activation link (resend-activation).'),
    }),
  ),
});

const ImportRowView = z.object({
  line: z.number().int(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  userProfile: z.string(),
  adminProfile: z.string().nullable(),
});
const ImportProblemView = z.object({ line: z.number().int(), email: z.string(), code: z.string(), reason: z.string() });
export const ImportResponseView = z.object({
  dryRun: z.boolean(),
  preview: z.object({
    rows: z.number().int(),
    valid: z.array(ImportRowView),
    invalid: z.array(ImportProblemView),
    duplicates: z.array(ImportProblemView),
    seats: z.object({
      available: z.number().int(),
      needed: z.number().int(),
      enough: z.boolean(),
      missing: z.number().int(),
    }),
    toInvite: z.array(ImportRowView),
    note: z.string().nullable(),
  }),
  results: z.array(
    z.object({
      line: z.number().int(),
      email: z.string(),
      ok: z.boolean(),
      id: z.string().optional(),
      activationLink: z.string().optional(),
      error: ItemError.optional(),
    }),
  ),
});

const PolicyView = z.object({
  enabled: z.boolean(),
  dormantDays: z.number().int().nullable(),
  pendingDays: z.number().int().nullable(),
  lastRunAt: z.string().nullable().optional(),
});
const PlannedActionView = z.object({
  userId: z.string(),
  email: z.string(),
  action: z.enum(['deactivate', 'withdraw']),
  reason: z.enum(['dormant', 'stale_invitation']),
  since: z.string().nullable(),
});
export const ReclaimPlanView = z.object({
  at: z.string(),
  policy: PolicyView,
  actions: z.array(PlannedActionView),
  kept: z.array(z.object({ userId: z.string(), email: z.string(), reason: z.string() })),
  seatsFreed: z.number().int(),
});
export const ReclaimRunView = z.object({
  plan: ReclaimPlanView,
  results: z.array(
    z.object({
      userId: z.string(),
      email: z.string(),
      action: z.enum(['deactivate', 'withdraw']),
      ok: z.boolean(),
      changed: z.boolean().optional(),
      error: ItemError.optional(),
    }),
  ),
});
export const SeatHistoryPage = page(SeatHistoryEntry);
