// Who sent a request, as the session grid shows it.
export interface RequestInfo {
  address: string;
  userAgent: string;
}
