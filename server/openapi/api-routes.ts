// The route registry: each API route's method, path, caller, query, body, answer and error codes,
// from the same zod schemas the routes validate with. The OpenAPI document is built from it, and a
// test checks it against the routes the Hono app really registers.
import { z } from 'zod';
import type { ErrorCode } from '../../src/domain/errors.js';
import type { Permission } from '../../src/domain/permissions.js';
import * as R from '../../src/domain/responses.js';
import {
  ADMIN_PROFILES,
  BulkSessionsBody,
  BulkUsersBody,
  CompleteTokenBody,
  InviteBody,
  LicenseBody,
  LoginBody,
  MailEntry,
  PatchUserBody,
  SettingsBody,
  SetupBody,
  TokenBody,
  USER_PROFILES,
} from '../../src/domain/schemas.js';
import { LatestQuery, MailQuery } from '../mail.routes.js';
import { SessionQuery } from '../sessions.routes.js';
import { AuditQuery } from '../site.routes.js';
import { UserQuery } from '../users.routes.js';
import { HistoryQuery } from '../reclaim.routes.js';
import { ImportBody } from '../../src/domain/bulk-import.js';

/**
 * Who may call: anyone; anyone on the server's own machine; any bearer token (session or API);
 * a session token only; or an administrator whose profile grants the permission.
 */
export type Caller = 'anyone' | 'loopback' | 'token' | 'session' | { permission: Permission };

export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono's spelling: `/api/users/:id`. */
  path: string;
  tag:
    | 'Health'
    | 'Setup and sign-in'
    | 'API tokens'
    | 'Users'
    | 'Sessions'
    | 'Mail'
    | 'Site'
    | 'Events'
    | 'Docs'
    | 'Pages';
  summary: string;
  description?: string;
  caller: Caller;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A browser page: an HTML form posted as application/x-www-form-urlencoded, errors shown as HTML. */
  page?: { form?: z.ZodObject };
  /** The success answer. No schema: not JSON (see contentType). */
  ok: { status: number; schema?: z.ZodType; contentType?: string; description: string };
  /** Error codes this route can answer besides the ones its caller and body imply. */
  errors?: ErrorCode[];
}

const Links = 'The response returns the link so an administrator can pass it on even if the mail is slow.';

export const API_ROUTES: ApiRoute[] = [
  // ---- health, docs, the pages behind mailed links ----
  {
    method: 'get',
    path: '/',
    tag: 'Health',
    summary: 'Which server this is',
    caller: 'anyone',
    ok: { status: 200, contentType: 'text/plain', description: 'A line naming Seatdesk and its version.' },
  },
  {
    method: 'get',
    path: '/api/health',
    tag: 'Health',
    summary: 'Is the server up',
    caller: 'anyone',
    ok: {
      status: 200,
      schema: z.object({ status: z.literal('ok'), version: z.string() }),
      description: 'Up, and its version.',
    },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'Docs',
    summary: 'This document',
    caller: 'anyone',
    ok: { status: 200, contentType: 'application/json', description: 'The OpenAPI 3.1 description of the API.' },
  },
  {
    method: 'get',
    path: '/api/docs',
    tag: 'Docs',
    summary: 'This document, as a page',
    caller: 'anyone',
    ok: {
      status: 200,
      contentType: 'text/html',
      description: 'A readable HTML reference built from the document; works offline.',
    },
  },

  ...(['activation', 'reset'] as const).flatMap((kind): ApiRoute[] => {
    const path = kind === 'activation' ? '/activate/:token' : '/reset-password/:token';
    const what = kind === 'activation' ? 'activation' : 'password reset';
    const form = z.object({
      ...(kind === 'activation' ? { firstName: z.string().max(100), lastName: z.string().max(100).optional() } : {}),
      password: z.string().min(12).max(128),
      password2: z.string().describe('The password again.'),
    });
    const errors: ErrorCode[] = ['token_invalid', 'token_used', 'token_expired', 'account_inactive'];
    return [
      {
        method: 'get',
        path,
        tag: 'Pages',
        summary: `The ${what} page (the link in the mail)`,
        caller: 'anyone',
        page: {},
        ok: { status: 200, contentType: 'text/html', description: 'The form.' },
        errors,
      },
      {
        method: 'post',
        path,
        tag: 'Pages',
        summary: `Complete the ${what}`,
        caller: 'anyone',
        page: { form },
        description: 'Posted by the form; a post from another origin is refused.',
        ok: { status: 200, contentType: 'text/html', description: 'Done, and where to sign in.' },
        errors: [...errors, 'validation_failed', 'forbidden'],
      },
    ];
  }),

  // ---- setup and sign-in ----
  {
    method: 'get',
    path: '/api/setup',
    tag: 'Setup and sign-in',
    summary: 'Does the site still need its first administrator',
    caller: 'anyone',
    ok: {
      status: 200,
      schema: z.object({
        needsSetup: z.boolean(),
        local: z.boolean().describe('Whether this caller may run setup (loopback).'),
      }),
      description: 'Setup state.',
    },
  },
  {
    method: 'post',
    path: '/api/setup',
    tag: 'Setup and sign-in',
    summary: 'Create the first Site Administrator',
    caller: 'loopback',
    body: SetupBody,
    description: 'Accepted only from a loopback address and only while no Site Administrator exists.',
    ok: { status: 201, schema: z.object({ user: R.PublicUserView }), description: 'The administrator, active.' },
    errors: ['setup_done', 'setup_local_only', 'no_available_licenses'],
  },
  {
    method: 'post',
    path: '/api/auth/login',
    tag: 'Setup and sign-in',
    summary: 'Sign in: a session token',
    caller: 'anyone',
    body: LoginBody,
    description:
      'One login per client id reuses its live session. Past the session limit the answer is 409 `session_limit_reached` listing the live sessions; name one in `replaceSessionId`, or send `terminateOldest`.',
    ok: {
      status: 200,
      schema: z.object({ token: z.string(), session: R.PublicSessionView, user: R.PublicUserView }),
      description: 'The session and its bearer token.',
    },
    errors: [
      'invalid_credentials',
      'account_inactive',
      'password_reset_pending',
      'session_limit_reached',
      'too_many_attempts',
    ],
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    tag: 'Setup and sign-in',
    summary: 'End this session (reason `logout`)',
    caller: 'session',
    ok: { status: 200, schema: R.Ok, description: 'Ended.' },
    errors: ['bad_request'],
  },
  {
    method: 'get',
    path: '/api/me',
    tag: 'Setup and sign-in',
    summary: 'Who is calling',
    caller: 'token',
    ok: {
      status: 200,
      schema: z.object({ user: R.PublicUserView, session: R.PublicSessionView }),
      description: 'The caller and their session.',
    },
  },
  {
    method: 'post',
    path: '/api/auth/activate',
    tag: 'Setup and sign-in',
    summary: 'Activate an account with its link token',
    caller: 'anyone',
    body: CompleteTokenBody,
    ok: {
      status: 200,
      schema: z.object({ user: R.PublicUserView }),
      description: 'Active; sign in with the new password.',
    },
    errors: ['token_invalid', 'token_used', 'token_expired', 'account_inactive'],
  },
  {
    method: 'post',
    path: '/api/auth/reset-password',
    tag: 'Setup and sign-in',
    summary: 'Choose a new password with a reset link token',
    caller: 'anyone',
    body: CompleteTokenBody,
    description: 'Ends every session and API token the user has.',
    ok: {
      status: 200,
      schema: z.object({ user: R.PublicUserView }),
      description: 'Changed; sign in with the new password.',
    },
    errors: ['token_invalid', 'token_used', 'token_expired', 'account_inactive'],
  },

  // ---- API tokens ----
  {
    method: 'get',
    path: '/api/tokens',
    tag: 'API tokens',
    summary: "The caller's API tokens",
    caller: 'token',
    ok: {
      status: 200,
      schema: z.object({ items: z.array(R.TokenView) }),
      description: 'Live tokens (never the secret).',
    },
  },
  {
    method: 'post',
    path: '/api/tokens',
    tag: 'API tokens',
    summary: 'Create an API token',
    caller: 'token',
    body: TokenBody,
    description: 'Requests with an API token appear as `api` sessions, which never count against the session limit.',
    ok: { status: 201, schema: R.CreatedToken, description: 'The token, shown this once.' },
  },
  {
    method: 'delete',
    path: '/api/tokens/:id',
    tag: 'API tokens',
    summary: 'Revoke one of your API tokens',
    caller: 'token',
    ok: { status: 200, schema: R.Ok, description: 'Revoked.' },
    errors: ['not_found'],
  },

  // ---- users ----
  {
    method: 'get',
    path: '/api/users',
    tag: 'Users',
    summary: 'List users',
    caller: { permission: 'users' },
    query: UserQuery,
    ok: { status: 200, schema: R.UserPage, description: 'A page of users.' },
  },
  {
    method: 'post',
    path: '/api/users/invite',
    tag: 'Users',
    summary: 'Invite a user (a seat, the Sample Project, an activation mail)',
    caller: { permission: 'users' },
    body: InviteBody,
    description: Links,
    ok: { status: 201, schema: R.LinkResultView, description: 'A pending user and the activation link.' },
    errors: ['user_exists', 'no_available_licenses', 'license_expired'],
  },
  {
    method: 'get',
    path: '/api/users/:id',
    tag: 'Users',
    summary: 'Read a user',
    caller: { permission: 'users' },
    ok: { status: 200, schema: z.object({ user: R.PublicUserView }), description: 'The user.' },
    errors: ['user_not_found'],
  },
  {
    method: 'patch',
    path: '/api/users/:id',
    tag: 'Users',
    summary: 'Change names and profiles',
    caller: { permission: 'users' },
    body: PatchUserBody,
    ok: { status: 200, schema: z.object({ user: R.PublicUserView }), description: 'The changed user.' },
    errors: ['user_not_found', 'last_admin'],
  },
  {
    method: 'post',
    path: '/api/users/:id/deactivate',
    tag: 'Users',
    summary: 'Deactivate: free the seat, end sessions, stop tokens',
    caller: { permission: 'users' },
    ok: { status: 200, schema: z.object({ user: R.PublicUserView }), description: 'Inactive.' },
    errors: ['user_not_found', 'invalid_state', 'self_action', 'last_admin'],
  },
  {
    method: 'post',
    path: '/api/users/:id/reactivate',
    tag: 'Users',
    summary: 'Reactivate (needs a free seat); mails a notice',
    caller: { permission: 'users' },
    ok: {
      status: 200,
      schema: z.object({ user: R.PublicUserView, mail: R.MailOutcome }),
      description: 'Active again, or pending if never activated.',
    },
    errors: ['user_not_found', 'invalid_state', 'no_available_licenses', 'license_expired'],
  },
  {
    method: 'post',
    path: '/api/users/:id/resend-activation',
    tag: 'Users',
    summary: 'A new activation link (the old one stops working)',
    caller: { permission: 'resend' },
    description: `Site Administrators only. ${Links}`,
    ok: { status: 200, schema: R.LinkResultView, description: 'The new link.' },
    errors: ['user_not_found', 'invalid_state'],
  },
  {
    method: 'post',
    path: '/api/users/:id/reset-password',
    tag: 'Users',
    summary: 'A password reset link; ends the sessions and tokens at once',
    caller: { permission: 'users' },
    description: `Until the user completes the reset, the old password no longer works. ${Links}`,
    ok: { status: 200, schema: R.LinkResultView, description: 'The reset link.' },
    errors: ['user_not_found', 'invalid_state'],
  },
  {
    method: 'get',
    path: '/api/users/:id/mail',
    tag: 'Users',
    summary: 'Delivery of the messages Seatdesk sent to a user, newest first',
    caller: { permission: 'users' },
    ok: { status: 200, schema: z.object({ items: z.array(R.MailDeliveryView) }), description: 'The newest 20.' },
  },
  {
    method: 'post',
    path: '/api/users/:id/terminate-sessions',
    tag: 'Sessions',
    summary: "End all of a user's sessions (reason `admin`)",
    caller: { permission: 'sessions' },
    ok: { status: 200, schema: z.object({ ended: z.number().int() }), description: 'How many ended.' },
    errors: ['user_not_found'],
  },

  {
    method: 'post',
    path: '/api/users/bulk',
    tag: 'Users',
    summary: 'Deactivate, reactivate, resend activation or end the sessions of many users',
    caller: { permission: 'users' },
    body: BulkUsersBody,
    description:
      'Each id is applied in its own transaction and answered on its own, so one failure never undoes the others. An id already in the asked-for state answers `ok` with `changed: false`: a retry is safe, and two administrators acting on overlapping sets never free a seat twice. `resend-activation` needs a Site Administrator; `terminate-sessions` the sessions permission.',
    ok: { status: 200, schema: R.BulkResultView, description: 'One result per distinct id, in order.' },
  },
  {
    method: 'post',
    path: '/api/users/import',
    tag: 'Users',
    summary: 'Bulk invite from CSV or a pasted list: a preview, then the invitations',
    caller: { permission: 'users' },
    body: ImportBody,
    description:
      'Rows are `email[,firstName,lastName,userProfile,adminProfile]` (a header row may name the columns). The preview lists valid rows, invalid rows with the reason, duplicates (within the list and existing accounts) and whether the free seats suffice; when they do not, nothing is invited unless `inviteFirst` asks for the first K. With `dryRun` nothing changes; otherwise each row is invited in its own transaction and answered per row. At most 10,000 rows (4 MB).',
    ok: {
      status: 200,
      schema: R.ImportResponseView,
      description: 'The preview, and the per-row results when not a dry run.',
    },
  },

  // ---- sessions ----
  {
    method: 'get',
    path: '/api/sessions',
    tag: 'Sessions',
    summary: 'Live sessions, or ended ones as history',
    caller: { permission: 'sessions' },
    query: SessionQuery,
    description:
      'Explorer sessions are left out unless `client` names them. `state=ended` lists history with the reason.',
    ok: { status: 200, schema: R.SessionPage, description: 'A page of sessions and the count of live ones.' },
  },
  {
    method: 'delete',
    path: '/api/sessions/:id',
    tag: 'Sessions',
    summary: 'End a session (reason `admin`)',
    caller: { permission: 'sessions' },
    description: 'The next request on it gets 401 `session_terminated`.',
    ok: { status: 200, schema: z.object({ session: R.PublicSessionView }), description: 'The ended session.' },
    errors: ['session_not_found', 'invalid_state'],
  },

  {
    method: 'post',
    path: '/api/sessions/bulk',
    tag: 'Sessions',
    summary: 'End many sessions (reason `admin`)',
    caller: { permission: 'sessions' },
    body: BulkSessionsBody,
    description: 'Each session in its own transaction; an already-ended one answers `ok` with `changed: false`.',
    ok: { status: 200, schema: R.BulkResultView, description: 'One result per distinct id, in order.' },
  },

  // ---- mail ----
  {
    method: 'get',
    path: '/api/mail',
    tag: 'Mail',
    summary: 'Captured mail, newest first',
    caller: { permission: 'mail' },
    query: MailQuery,
    ok: { status: 200, schema: R.MailPage, description: 'A page of messages.' },
  },
  {
    method: 'get',
    path: '/api/mail/latest',
    tag: 'Mail',
    summary: 'The newest match, waiting up to `wait` seconds for one',
    caller: { permission: 'mail' },
    query: LatestQuery,
    ok: { status: 200, schema: z.object({ mail: MailEntry }), description: 'The message.' },
    errors: ['no_message'],
  },
  {
    method: 'get',
    path: '/api/mail/outbox/:id',
    tag: 'Mail',
    summary: 'Delivery of a message Seatdesk sent (the `mail.id` an action answered)',
    caller: { permission: 'mail' },
    description:
      'Queued messages are retried with backoff (up to an hour apart) for three days; each attempt is audited and announced as `mail.sent` or `mail.failed`.',
    ok: { status: 200, schema: z.object({ delivery: R.MailDeliveryView }), description: 'Its delivery.' },
    errors: ['not_found'],
  },
  {
    method: 'get',
    path: '/api/mail/:id',
    tag: 'Mail',
    summary: 'Read a message: headers, text, links, attachments',
    caller: { permission: 'mail' },
    description:
      "Links pointing at this Seatdesk's own public URL are marked `activation` or `reset`; the rest are `other`.",
    ok: { status: 200, schema: z.object({ mail: R.MailMessageView }), description: 'The message.' },
    errors: ['not_found'],
  },
  {
    method: 'get',
    path: '/api/mail/:id/raw',
    tag: 'Mail',
    summary: 'The raw source',
    caller: { permission: 'mail' },
    ok: { status: 200, contentType: 'message/rfc822', description: 'As received.' },
    errors: ['not_found'],
  },
  {
    method: 'get',
    path: '/api/mail/:id/attachments/:n',
    tag: 'Mail',
    summary: 'Download an attachment (0-based index)',
    caller: { permission: 'mail' },
    ok: {
      status: 200,
      contentType: 'application/octet-stream',
      description: 'The decoded attachment, with its own Content-Type and a Content-Disposition naming the file.',
    },
    errors: ['not_found'],
  },
  {
    method: 'delete',
    path: '/api/mail/:id',
    tag: 'Mail',
    summary: 'Delete a message',
    caller: { permission: 'mail' },
    ok: { status: 200, schema: R.Ok, description: 'Deleted.' },
    errors: ['not_found'],
  },
  {
    method: 'delete',
    path: '/api/mail',
    tag: 'Mail',
    summary: 'Delete all the mail you can see',
    caller: { permission: 'mail' },
    ok: { status: 200, schema: z.object({ deleted: z.number().int() }), description: 'How many.' },
  },

  // ---- site ----
  {
    method: 'get',
    path: '/api/license',
    tag: 'Site',
    summary: 'The license and its seats',
    caller: { permission: 'license:read' },
    ok: { status: 200, schema: R.LicenseView, description: 'Plan, seats, held, available.' },
  },
  {
    method: 'put',
    path: '/api/license',
    tag: 'Site',
    summary: 'Change the plan, seats or expiry',
    caller: { permission: 'license:write' },
    body: LicenseBody,
    ok: { status: 200, schema: R.LicenseView, description: 'The license now.' },
    errors: ['seats_below_held'],
  },
  {
    method: 'get',
    path: '/api/license/history',
    tag: 'Site',
    summary: 'Seat history: each change of the seats held or bought, newest first',
    caller: { permission: 'license:read' },
    query: HistoryQuery,
    description:
      'Who, what, when, why (`dormant`, `stale_invitation` for the policy) and the seats held and bought just after. `days` (default 90) bounds how far back.',
    ok: { status: 200, schema: R.SeatHistoryPage, description: 'A page of the history.' },
  },
  {
    method: 'get',
    path: '/api/policy/plan',
    tag: 'Site',
    summary: 'Seat reclamation: what a run would do now (the dry run)',
    caller: { permission: 'settings:write' },
    description:
      'Dormant users to deactivate and stale invitations to withdraw under the configured policy (whether or not it is on), oldest first.',
    ok: { status: 200, schema: R.ReclaimPlanView, description: 'The plan.' },
  },
  {
    method: 'post',
    path: '/api/policy/run',
    tag: 'Site',
    summary: 'Seat reclamation: run the policy now',
    caller: { permission: 'settings:write' },
    description:
      'Each action in its own transaction that checks its condition again; audited with reason `dormant` or `stale_invitation`, and the user is mailed.',
    ok: { status: 200, schema: R.ReclaimRunView, description: "The plan followed and each action's result." },
  },
  {
    method: 'get',
    path: '/api/settings',
    tag: 'Site',
    summary: 'Site settings and how mail leaves',
    caller: { permission: 'settings:read' },
    ok: { status: 200, schema: R.SiteSettingsView, description: 'The settings.' },
  },
  {
    method: 'put',
    path: '/api/settings',
    tag: 'Site',
    summary: 'Change site settings',
    caller: { permission: 'settings:write' },
    body: SettingsBody,
    ok: { status: 200, schema: R.SettingsView, description: 'The settings now.' },
  },
  {
    method: 'get',
    path: '/api/profiles',
    tag: 'Site',
    summary: 'The user and admin profiles',
    caller: { permission: 'users' },
    ok: {
      status: 200,
      schema: z.object({
        userProfiles: z.array(z.enum(USER_PROFILES)),
        adminProfiles: z.array(z.enum(ADMIN_PROFILES)),
      }),
      description: 'The catalogue.',
    },
  },
  {
    method: 'get',
    path: '/api/projects',
    tag: 'Site',
    summary: 'Projects and their member counts',
    caller: { permission: 'users' },
    ok: { status: 200, schema: z.object({ items: z.array(R.ProjectSummary) }), description: 'The projects.' },
  },
  {
    method: 'get',
    path: '/api/audit',
    tag: 'Site',
    summary: 'Who did what, when, to whom (newest first)',
    caller: { permission: 'audit' },
    query: AuditQuery,
    ok: { status: 200, schema: R.AuditPage, description: 'A page of the audit log.' },
  },
  {
    method: 'get',
    path: '/api/diag',
    tag: 'Site',
    summary: 'Memory and event-loop delay',
    caller: { permission: 'license:write' },
    query: z.object({
      track: z.string().optional().describe('Start sampling the RSS peak.'),
      reset: z.string().optional().describe('Reset the event-loop histogram after answering.'),
    }),
    ok: { status: 200, schema: R.Diag, description: 'Figures for operators and the benchmarks.' },
  },
  {
    method: 'get',
    path: '/api/events',
    tag: 'Events',
    summary: 'Live changes as Server-Sent Events',
    caller: { permission: 'sessions' },
    description:
      'Events: `ready`, `session.created`, `session.ended`, `user.updated`, `license.updated`, `mail.received`, `mail.sent`, `mail.failed`, `settings.updated`; data is JSON. A comment line every 15 s keeps the stream alive; a client too slow to keep up is cut and should reconnect.',
    ok: { status: 200, contentType: 'text/event-stream', description: 'The event stream.' },
  },
];

/** Hono's `/api/users/:id` as OpenAPI's `/api/users/{id}`. */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');
export const pathParams = (path: string): string[] => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
