// Audit entries: written through the repository in the same transaction as the change they describe.
import type { AuditEntry } from '../src/domain/schemas.js';
import { newId } from '../src/domain/tokens.js';
import type { Actor } from './context.js';

/** Who did what to whom, and when: the head of an audit entry and of a seat-history entry. */
export function changeHead(
  at: Date,
  actor: Pick<Actor, 'id' | 'email'> | null,
  action: string,
  target: { id: string; email: string } | null,
): Pick<AuditEntry, 'id' | 'at' | 'actorId' | 'actorEmail' | 'action' | 'targetId' | 'targetEmail'> {
  return {
    id: newId(),
    at: at.toISOString(),
    actorId: actor?.id ?? null,
    actorEmail: actor?.email ?? null,
    action,
    targetId: target?.id ?? null,
    targetEmail: target?.email ?? null,
  };
}

export function auditEntry(
  at: Date,
  actor: Actor | null,
  action: string,
  target: { id: string; email: string } | null,
  detail: Record<string, unknown> = {},
): AuditEntry {
  return { ...changeHead(at, actor, action, target), detail };
}
