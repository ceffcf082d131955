// Store records for tests that work below the HTTP API.
import type { OutboxMessage, User } from '../../src/domain/schemas.js';

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

/** A queued message, due at `at`. */
export const outboxRecord = (id: string, at: string): OutboxMessage => ({
  id,
  messageId: `<${id}@test>`,
  kind: 'invitation',
  to: `${id}@example.com`,
  subject: 's',
  text: 't',
  html: '<p>t</p>',
  userId: null,
  actorId: null,
  actorEmail: null,
  status: 'queued',
  attempts: 0,
  createdAt: at,
  nextAttemptAt: at,
  lastAttemptAt: null,
  lastError: null,
  sentAt: null,
});
