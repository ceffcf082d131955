// License seat rules: who holds a seat, and what is left.
import { AppError } from './errors.js';
import type { License, LicenseView, User } from './schemas.js';

export const holdsSeat = (u: Pick<User, 'status'>): boolean => u.status === 'pending' || u.status === 'active';

export function countHeld(users: Iterable<Pick<User, 'status'>>): number {
  let held = 0;
  for (const u of users) if (holdsSeat(u)) held++;
  return held;
}

export function licenseView(license: License, held: number): LicenseView {
  return { ...license, held, available: Math.max(0, license.seats - held) };
}

/** Throws `no_available_licenses` unless one more seat can be taken. */
export function assertSeatFree(license: License, held: number, action: string, now = new Date()): void {
  if (license.expiresAt && Date.parse(license.expiresAt) <= now.getTime())
    throw new AppError(
      'license_expired',
      `Cannot ${action}: the ${license.plan} license expired on ${license.expiresAt}. Renew it (Settings, or PUT /api/license with a later expiresAt).`,
      { expiresAt: license.expiresAt },
    );
  if (held < license.seats) return;
  throw new AppError(
    'no_available_licenses',
    `Cannot ${action}: all ${license.seats} seats are in use (${held} held by pending and active users). ` +
      'Deactivate a user to free a seat, or raise the number of seats in the license.',
    { seats: license.seats, held },
  );
}

export function assertSeatsCover(seats: number, held: number): void {
  if (seats >= held) return;
  throw new AppError(
    'seats_below_held',
    `Cannot lower the license to ${seats} seats: ${held} seats are held by pending and active users. ` +
      `Deactivate ${held - seats} user(s) first.`,
    { seats, held },
  );
}
