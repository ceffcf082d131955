// The caller's own API tokens: create (shown once), list, revoke.
import { AppError } from '../../src/domain/errors.js';
import type { ApiToken, User } from '../../src/domain/schemas.js';
import { hashSecret, newId, newSecret } from '../../src/domain/tokens.js';
import { auditEntry } from '../audit.js';
import type { Ctx } from '../context.js';
import type { Activity } from './activity.js';
import { endSession } from './lifecycle.js';

export class TokensService {
  constructor(
    private readonly ctx: Ctx,
    private readonly activity: Activity,
  ) {}

  async list(userId: string): Promise<Omit<ApiToken, 'tokenHash'>[]> {
    return (await this.ctx.repo.apiTokensOf(userId)).map(({ tokenHash: _h, ...t }) => t);
  }

  async create(user: User, name: string): Promise<{ id: string; name: string; token: string; createdAt: string }> {
    const token = newSecret('sdk');
    const now = this.ctx.now();
    const rec: ApiToken = {
      id: newId(),
      userId: user.id,
      name,
      tokenHash: hashSecret(token),
      createdAt: now.toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.ctx.repo.transaction((tx) => {
      tx.putApiToken(rec);
      tx.appendAudit(auditEntry(now, user, 'token.create', user, { tokenId: rec.id, name }));
    });
    return { id: rec.id, name, token, createdAt: rec.createdAt };
  }

  async revoke(user: User, id: string): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.repo.transaction(async (tx) => {
      const t = await tx.apiToken(id);
      if (!t || t.userId !== user.id || t.revokedAt)
        throw new AppError('not_found', `You have no API token with the id "${id}".`);
      tx.putApiToken({ ...t, revokedAt: now.toISOString() });
      tx.emit({ type: 'token.revoked', data: { tokenId: id, userId: user.id } });
      tx.appendAudit(auditEntry(now, user, 'token.revoke', user, { tokenId: id }));
      const s = await tx.liveSessionOfApiToken(id);
      if (s) endSession(tx, this.activity, s, 'logout', user.id, now);
    });
  }
}
