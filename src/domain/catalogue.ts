// The fixed names of the domain (profiles, statuses, clients, end reasons), without zod, so the
// command line can offer them as choices without loading the schemas.
export const USER_PROFILES = ['Default', 'Tester', 'Developer', 'Viewer', 'Project Admin'] as const;
export const ADMIN_PROFILES = ['Site Administrator', 'User Administrator'] as const;
export const USER_STATUSES = ['pending', 'active', 'inactive'] as const;
export const CLIENTS = ['web', 'tui', 'explorer', 'api'] as const;
export const END_REASONS = ['logout', 'idle', 'admin', 'limit', 'deactivated', 'password_reset'] as const;
