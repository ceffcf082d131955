// List pages as JSON, kept for the next request that asks the same query while the page would read
// the same: a console polling its grid, or many consoles on one page, cost a check instead of a
// query. Keyed by the parsed query object (the same object for the same query string, see
// http/validate.ts query), each page with the test that says it still holds. Kept as UTF-8 bytes,
// which the HTTP server writes as they are (a string it would measure and encode per response).

/** Pages kept per list; a page over MAX_BYTES is never kept (a 10,000-row export is asked for once). */
const PAGES = 32;
const MAX_BYTES = 256 * 1024;

export class PageCache {
  private readonly pages = new Map<object, { json: Uint8Array<ArrayBuffer>; holds: () => boolean }>();

  /** The page kept for this query, if it still holds. */
  get(key: object): Uint8Array<ArrayBuffer> | undefined {
    const hit = this.pages.get(key);
    if (!hit) return undefined;
    if (hit.holds()) return hit.json;
    this.pages.delete(key);
    return undefined;
  }

  /** Keeps a page; `holds` must answer false once anything the page was built from has changed. */
  set(key: object, json: Uint8Array<ArrayBuffer>, holds: () => boolean): void {
    if (json.byteLength > MAX_BYTES) return;
    this.pages.delete(key);
    this.pages.set(key, { json, holds });
    if (this.pages.size > PAGES) this.pages.delete(this.pages.keys().next().value!);
  }
}
