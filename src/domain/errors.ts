// Typed domain errors: a stable code, an HTTP status, and a message a person can act on.
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'invalid_json'
  | 'invalid_cursor'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'session_terminated'
  | 'invalid_credentials'
  | 'account_inactive'
  | 'account_pending'
  | 'password_reset_pending'
  | 'forbidden'
  | 'not_found'
  | 'user_not_found'
  | 'session_not_found'
  | 'no_message'
  | 'user_exists'
  | 'no_available_licenses'
  | 'license_expired'
  | 'seats_below_held'
  | 'session_limit_reached'
  | 'invalid_state'
  | 'self_action'
  | 'last_admin'
  | 'setup_done'
  | 'setup_local_only'
  | 'token_invalid'
  | 'token_expired'
  | 'token_used'
  | 'too_many_attempts'
  | 'storage_unavailable'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  invalid_cursor: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  session_terminated: 401,
  invalid_credentials: 401,
  account_inactive: 403,
  account_pending: 403,
  password_reset_pending: 403,
  forbidden: 403,
  not_found: 404,
  user_not_found: 404,
  session_not_found: 404,
  no_message: 404,
  user_exists: 409,
  no_available_licenses: 409,
  license_expired: 409,
  seats_below_held: 409,
  session_limit_reached: 409,
  invalid_state: 409,
  self_action: 409,
  last_admin: 409,
  setup_done: 409,
  setup_local_only: 403,
  token_invalid: 400,
  token_expired: 410,
  token_used: 410,
  too_many_attempts: 429,
  storage_unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = STATUS[code];
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
