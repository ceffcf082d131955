// Who may do what: the profile check behind every admin route.
import type { User } from './schemas.js';

export type Permission =
  | 'users'
  | 'sessions'
  | 'mail'
  | 'audit'
  | 'license:read'
  | 'license:write'
  | 'settings:read'
  | 'settings:write'
  | 'resend';

const USER_ADMIN: ReadonlySet<Permission> = new Set([
  'users',
  'sessions',
  'mail',
  'audit',
  'license:read',
  'settings:read',
]);

/** A Site Administrator's account (its profile, password, status and sessions) is for Site Administrators only. */
export function mayManage(actor: Pick<User, 'adminProfile'>, target: Pick<User, 'adminProfile'>): boolean {
  return target.adminProfile !== 'Site Administrator' || actor.adminProfile === 'Site Administrator';
}

export function can(user: Pick<User, 'adminProfile'>, perm: Permission): boolean {
  if (user.adminProfile === 'Site Administrator') return true;
  if (user.adminProfile === 'User Administrator') return USER_ADMIN.has(perm);
  return false;
}
