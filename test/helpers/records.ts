// Store records for tests that work below the HTTP API.
import type { User } from '../../src/domain/schemas.js';

export function userRecord(id: string, email: string, extra: Partial<User> = {}): User {
  return {
    id,
    email,
    firstName: '',
    lastName: '',
    status: 'pending',
    userProfile: 'Default',
    adminProfile: null,
    projects: [],
    suspendedProjects: [],
    passwordHash: null,
    createdAt: new Date().toISOString(),
    invitedBy: null,
    activatedAt: null,
    lastLoginAt: null,
    deactivatedAt: null,
    passwordResetPendingAt: null,
    ...extra,
  };
}
