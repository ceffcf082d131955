// What the API shows of stored records: never a password hash or a token hash.
import type { PublicSession, PublicUser, Session, User } from '../src/domain/schemas.js';

export const toPublicUser = ({ passwordHash: _p, ...u }: User): PublicUser => u;
export const toPublicSession = ({ tokenHash: _t, ...s }: Session): PublicSession => s;
