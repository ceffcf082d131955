// Embedded stores a test opens and leaves open (a reopen "as after a crash" has no clean close
// before it): closed once the test is done, so their journal file handles are not left to the
// garbage collector ("Closing file descriptor N on garbage collection").
import { Store } from '../../server/store/embedded/store.js';

const open: Store[] = [];

export async function openStore(...args: Parameters<typeof Store.open>): Promise<Store> {
  const store = await Store.open(...args);
  open.push(store);
  return store;
}

/** Closes the stores opened with openStore, newest first (call before their dirs are removed). */
export async function closeStores(): Promise<void> {
  for (const store of open.splice(0).reverse()) await store.close();
}
