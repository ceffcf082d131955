// A child process for the crash test: commits users as fast as it can and prints each one's id
// the moment its commit is acknowledged. The parent kills it with SIGKILL at a random moment.
import { Store } from '../../server/store/embedded/store.js';
import { userRecord } from './records.js';

const [dir, start, compact] = process.argv.slice(2);
const store = await Store.open(dir, { compactBytes: Number(compact) });
let n = Number(start);
const one = async () => {
  for (;;) {
    const id = `u${n++}`;
    // A bulky name, so snapshots happen during the storm too.
    await store.transact((tx) => tx.put('users', userRecord(id, `${id}@example.com`, { firstName: 'x'.repeat(200) })));
    process.stdout.write(`ack ${id}\n`);
  }
};
process.stdout.write('ready\n');
await Promise.all([one(), one(), one(), one()]);
