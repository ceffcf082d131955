// Bulk invite: read a CSV file or a pasted list, and preview what inviting it would do.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import {
  ADMIN_PROFILES,
  Email,
  USER_PROFILES,
  type AdminProfile,
  type UserProfile,
  type UserStatus,
} from './schemas.js';

/** The most data rows one import may hold. */
export const IMPORT_MAX_ROWS = 10_000;
const NAME_MAX = 100;
const COLUMNS = ['email', 'firstName', 'lastName', 'userProfile', 'adminProfile'] as const;
type Column = (typeof COLUMNS)[number];

/** POST /api/users/import: the CSV text (or a pasted list), whether only to preview, and how many rows to invite when seats are short. */
export const ImportBody = z
  .object({
    csv: z.string().max(4_000_000, 'the list is over 4 MB; split it'),
    dryRun: z.boolean().optional(),
    inviteFirst: z.number().int().min(1).max(IMPORT_MAX_ROWS).optional(),
  })
  .strict();

/** A row that can be invited. `line` is where it starts in the text (1-based). */
export interface ImportRow {
  line: number;
  email: string;
  firstName: string;
  lastName: string;
  userProfile: UserProfile;
  adminProfile: AdminProfile | null;
}

export type ImportProblemCode =
  'invalid_email' | 'unknown_profile' | 'name_too_long' | 'forbidden' | 'duplicate_in_file' | 'user_exists';

export interface ImportProblem {
  line: number;
  /** As written in the file (trimmed). */
  email: string;
  code: ImportProblemCode;
  reason: string;
}

/** A row as read, before any rule is applied. */
export interface RawRow {
  line: number;
  cells: Partial<Record<Column, string>>;
}

export class ImportParseError extends Error {}

const HEADER_NAMES: Record<string, Column> = {
  email: 'email',
  loginemail: 'email',
  emailaddress: 'email',
  firstname: 'firstName',
  givenname: 'firstName',
  lastname: 'lastName',
  surname: 'lastName',
  familyname: 'lastName',
  userprofile: 'userProfile',
  profile: 'userProfile',
  adminprofile: 'adminProfile',
  admin: 'adminProfile',
};
const headerKey = (cell: string) => cell.toLowerCase().replace(/[^a-z]/g, '');

/**
 * Reads `email[,firstName,lastName,userProfile,adminProfile]` rows: a CSV file (comma, semicolon or
 * tab separated, quotes, CRLF, a byte-order mark) or a pasted list, one address per line. A first
 * row naming its columns (`email,first name,…`) is a header: its columns may come in any order.
 * Blank lines and lines starting with `#` are skipped.
 */
export function parseImport(text: string): RawRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: [',', ';', '\t'],
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
      comment: '#',
      comment_no_infix: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    throw new ImportParseError(`The list could not be read as CSV: ${(e as Error).message}`);
  }
  let columns: (Column | null)[] = [...COLUMNS];
  let start = 0;
  const first = records[0]?.record;
  if (first && !first[0]?.includes('@') && first.some((c) => HEADER_NAMES[headerKey(c)] === 'email')) {
    columns = first.map((c) => HEADER_NAMES[headerKey(c)] ?? null);
    start = 1;
  }
  const rows: RawRow[] = [];
  for (let i = start; i < records.length; i++) {
    const { record, info } = records[i];
    if (record.every((c) => c === '')) continue;
    const cells: RawRow['cells'] = {};
    for (let j = 0; j < record.length && j < columns.length; j++) {
      const col = columns[j];
      if (col && record[j] !== '') cells[col] = record[j];
    }
    rows.push({ line: info.lines, cells });
  }
  if (rows.length > IMPORT_MAX_ROWS)
    throw new ImportParseError(
      `The list has ${rows.length} rows; at most ${IMPORT_MAX_ROWS} can be imported at once. Split it into smaller files.`,
    );
  return rows;
}

const canonical = <T extends string>(all: readonly T[]) => {
  const byKey = new Map(all.map((p) => [headerKey(p), p] as const));
  return (s: string): T | undefined => byKey.get(headerKey(s));
};
const userProfileOf = canonical(USER_PROFILES);
const adminProfileOf = canonical(ADMIN_PROFILES);
const NO_ADMIN = new Set(['', 'none', 'no', '-', 'null']);

export interface PreviewContext {
  /** The status of an existing user with this (normalised) login email, if any. */
  existing: (email: string) => UserStatus | undefined;
  /** Free seats now. */
  available: number;
  /** Whether the importer may invite Site Administrators (a User Administrator may not). */
  mayInviteSiteAdmins: boolean;
}

export interface ImportPreview {
  /** Data rows read (blank lines, comments and the header are not counted). */
  rows: number;
  /** Rows that can be invited, in file order. */
  valid: ImportRow[];
  /** Rows that can never be invited as written: bad address, unknown profile, name too long, not allowed. */
  invalid: ImportProblem[];
  /** Repeats of an earlier row, and addresses that already have an account. */
  duplicates: ImportProblem[];
  seats: { available: number; needed: number; enough: boolean; missing: number };
  /** What applying would invite: every valid row if the seats suffice, else none, unless `inviteFirst` asks for the first K. */
  toInvite: ImportRow[];
  /** Why `toInvite` is shorter than `valid`, if it is. */
  note: string | null;
}

/** Applies every rule to the rows read; nothing here changes anything. */
export function previewImport(raw: readonly RawRow[], ctx: PreviewContext, inviteFirst?: number): ImportPreview {
  const valid: ImportRow[] = [];
  const invalid: ImportProblem[] = [];
  const duplicates: ImportProblem[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of raw) {
    const written = cells.email ?? '';
    const bad = (code: ImportProblemCode, reason: string) => invalid.push({ line, email: written, code, reason });
    const parsed = Email.safeParse(written);
    if (!parsed.success) {
      bad(
        'invalid_email',
        written
          ? `"${written}" is not a valid email address (${parsed.error.issues[0]?.message ?? 'invalid'}).`
          : 'The row has no email address.',
      );
      continue;
    }
    const email = parsed.data;
    let userProfile: UserProfile = 'Default';
    if (cells.userProfile) {
      const p = userProfileOf(cells.userProfile);
      if (!p) {
        bad('unknown_profile', `Unknown user profile "${cells.userProfile}"; use one of ${USER_PROFILES.join(', ')}.`);
        continue;
      }
      userProfile = p;
    }
    let adminProfile: AdminProfile | null = null;
    if (cells.adminProfile && !NO_ADMIN.has(cells.adminProfile.toLowerCase())) {
      const p = adminProfileOf(cells.adminProfile);
      if (!p) {
        bad(
          'unknown_profile',
          `Unknown admin profile "${cells.adminProfile}"; use ${ADMIN_PROFILES.join(' or ')}, or leave it empty.`,
        );
        continue;
      }
      adminProfile = p;
    }
    if (adminProfile === 'Site Administrator' && !ctx.mayInviteSiteAdmins) {
      bad('forbidden', 'Only a Site Administrator can invite another Site Administrator.');
      continue;
    }
    const firstName = cells.firstName ?? '';
    const lastName = cells.lastName ?? '';
    if (firstName.length > NAME_MAX || lastName.length > NAME_MAX) {
      bad('name_too_long', `Names may have at most ${NAME_MAX} characters.`);
      continue;
    }
    const earlier = seen.get(email);
    if (earlier !== undefined) {
      duplicates.push({
        line,
        email: written,
        code: 'duplicate_in_file',
        reason: `${email} is already on line ${earlier}.`,
      });
      continue;
    }
    seen.set(email, line);
    const status = ctx.existing(email);
    if (status) {
      const hint =
        status === 'inactive'
          ? ' Reactivate it instead.'
          : status === 'pending'
            ? ' Resend the activation link instead.'
            : '';
      duplicates.push({
        line,
        email: written,
        code: 'user_exists',
        reason: `${email} already has an account (${status}).${hint}`,
      });
      continue;
    }
    valid.push({ line, email, firstName, lastName, userProfile, adminProfile });
  }
  const available = Math.max(0, ctx.available);
  const wanted =
    inviteFirst === undefined ? valid.length : Math.min(Math.max(0, Math.floor(inviteFirst)), valid.length);
  const enough = wanted <= available;
  const missing = Math.max(0, valid.length - available);
  let toInvite: ImportRow[] = [];
  let note: string | null = null;
  if (enough) toInvite = valid.slice(0, wanted);
  if (!enough && inviteFirst === undefined)
    note = `${valid.length} valid rows need ${valid.length} seats but ${available} are free: ${missing} missing. Nothing will be invited; free or buy ${missing} seats, or invite only the first ${available}.`;
  else if (!enough)
    note = `The first ${wanted} rows need ${wanted} seats but ${available} are free: ${wanted - available} missing. Nothing will be invited.`;
  else if (wanted < valid.length) note = `Only the first ${wanted} of ${valid.length} valid rows will be invited.`;
  return {
    rows: raw.length,
    valid,
    invalid,
    duplicates,
    seats: { available, needed: valid.length, enough: valid.length <= available, missing },
    toInvite,
    note,
  };
}

/** One row's answer when an import is applied: invited (with the user's id and link), or why not. */
export interface ImportItemResult {
  line: number;
  email: string;
  ok: boolean;
  id?: string;
  activationLink?: string;
  error?: { code: string; message: string };
}

/** POST /api/users/import: the preview, and with `dryRun` false the result of each row invited. */
export interface ImportResponse {
  dryRun: boolean;
  preview: ImportPreview;
  results: ImportItemResult[];
}
