// License and settings: read and change, with events and audit; the catalogues and the audit log.
import { AppError } from '../src/domain/errors.js';
import { reclaimPolicyOf } from '../src/domain/reclaim.js';
import { assertSeatsCover, licenseView } from '../src/domain/seats.js';
import type { License, LicenseView, Settings, SettingsBody } from '../src/domain/schemas.js';
import type { z } from 'zod';
import { auditEntry } from './audit.js';
import { recordSeats } from './seat-history.js';
import type { Actor, Ctx } from './context.js';
import type { AuditQuery } from './store/repository.js';

type SettingsChange = z.infer<typeof SettingsBody>;

export class SiteService {
  constructor(private readonly ctx: Ctx) {}

  async license(): Promise<LicenseView> {
    const repo = this.ctx.repo;
    return licenseView(await repo.license(), await repo.countHeldSeats());
  }

  async updateLicense(actor: Actor, body: Partial<License>): Promise<LicenseView> {
    const now = this.ctx.now();
    return this.ctx.repo.transaction(async (tx) => {
      const prev = await tx.license();
      const next = { ...prev, ...body };
      const held = await tx.countHeldSeats();
      assertSeatsCover(next.seats, held);
      tx.setLicense(next);
      tx.appendAudit(auditEntry(now, actor, 'license.update', null, { changes: body }));
      if (next.seats !== prev.seats) await recordSeats(tx, now, actor, 'license.update', null);
      tx.emit({ type: 'license.updated', data: {} });
      return licenseView(next, held);
    });
  }

  settings(): Promise<Settings> {
    return this.ctx.repo.settings();
  }

  async updateSettings(actor: Actor, body: SettingsChange): Promise<Settings> {
    if (Object.keys(body).length === 0) throw new AppError('validation_failed', 'Name at least one setting to change.');
    const now = this.ctx.now();
    return this.ctx.repo.transaction(async (tx) => {
      const current = await tx.settings();
      // The policy changes field by field; its last run time is the server's to keep.
      const { reclaim, ...rest } = body;
      const next: Settings = {
        ...current,
        ...rest,
        ...(reclaim ? { reclaim: { ...reclaimPolicyOf(current), ...reclaim } } : {}),
      };
      tx.setSettings(next);
      tx.appendAudit(auditEntry(now, actor, 'settings.update', null, { changes: body }));
      tx.emit({ type: 'settings.updated', data: { settings: next } });
      return next;
    });
  }

  async projects() {
    const repo = this.ctx.repo;
    const members = await repo.projectMemberCounts();
    return (await repo.projects()).map((p) => ({
      id: p.id,
      name: p.name,
      description: p.description,
      members: members.get(p.id) ?? 0,
      requirements: p.requirements.length,
      testPlans: p.testPlans.length,
      testCases: p.testCases.length,
    }));
  }

  audit(q: AuditQuery) {
    return this.ctx.repo.pageAudit(q);
  }
}
