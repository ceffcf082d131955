// The columns each list can be sorted by: one list for every engine and the API alike.
export const USER_SORTS = [
  'email',
  'firstName',
  'lastName',
  'status',
  'userProfile',
  'adminProfile',
  'createdAt',
  'activatedAt',
  'lastLoginAt',
  'deactivatedAt',
] as const;
export const SESSION_SORTS = [
  'email',
  'client',
  'address',
  'userAgent',
  'startedAt',
  'lastActivityAt',
  'endedAt',
  'endReason',
] as const;
export const MAIL_SORTS = ['receivedAt', 'subject', 'from', 'to'] as const;
export const AUDIT_SORTS = ['at'] as const;
