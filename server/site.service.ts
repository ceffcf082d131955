// License and settings: read and change, with events and audit.
import { AppError } from '../src/domain/errors.js';
import { assertSeatsCover, countHeld, licenseView } from '../src/domain/seats.js';
import type { License, LicenseView, Settings } from '../src/domain/schemas.js';
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

  async updateSettings(actor: Actor, body: Partial<Settings>): Promise<Settings> {
    if (Object.keys(body).length === 0) throw new AppError('validation_failed', 'Name at least one setting to change.');
    const now = this.ctx.now();
    await this.ctx.store.transact((tx) => {
      tx.set('settings', { ...this.ctx.store.settings, ...body });
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
