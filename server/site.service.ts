// License and settings: read and change, with events and audit.
import { AppError } from '../src/domain/errors.js';
import { assertSeatsCover, countHeld, licenseView } from '../src/domain/seats.js';
import { reclaimPolicyOf } from '../src/domain/reclaim.js';
import type { z } from 'zod';
import type { License, LicenseView, Settings, SettingsBody } from '../src/domain/schemas.js';

type SettingsChange = z.infer<typeof SettingsBody>;
import { addAudit } from './audit.js';
import type { Actor, Ctx } from './context.js';

export class SiteService {
  constructor(private readonly ctx: Ctx) {}

  license(): LicenseView {
    return licenseView(this.ctx.store.license, countHeld(this.ctx.store.values('users')));
  }

  async updateLicense(actor: Actor, body: Partial<License>): Promise<LicenseView> {
    const now = this.ctx.now();
    await this.ctx.store.transact((tx) => {
      const next = { ...this.ctx.store.license, ...body };
      assertSeatsCover(next.seats, countHeld(this.ctx.store.values('users')));
      tx.set('license', next);
      addAudit(this.ctx.store, tx, now, actor, 'license.update', null, { changes: body });
    });
    this.ctx.bus.emit('license.updated', {});
    return this.license();
  }

  settings(): Settings {
    return this.ctx.store.settings;
  }

  async updateSettings(actor: Actor, body: SettingsChange): Promise<Settings> {
    if (Object.keys(body).length === 0) throw new AppError('validation_failed', 'Name at least one setting to change.');
    const now = this.ctx.now();
    await this.ctx.store.transact((tx) => {
      const current = this.ctx.store.settings;
      // The policy changes field by field; its last run time is the server's to keep.
      const { reclaim, ...rest } = body;
      tx.set('settings', { ...current, ...rest, ...(reclaim ? { reclaim: { ...reclaimPolicyOf(current), ...reclaim } } : {}) });
      addAudit(this.ctx.store, tx, now, actor, 'settings.update', null, { changes: body });
    });
    this.ctx.bus.emit('settings.updated', { settings: this.ctx.store.settings });
    return this.ctx.store.settings;
  }

  audit(offset = 0, limit = 100) {
    const all = [...this.ctx.store.values('audit')].reverse();
    return { items: all.slice(Math.max(0, offset), Math.max(0, offset) + Math.min(1000, Math.max(1, limit))), total: all.length };
  }
}
