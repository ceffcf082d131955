// Where the console's bulk invite reads its list: a file on this machine when the text names one
// (~ is the home directory), else the text itself as pasted addresses. The server does the rest.
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, resolve } from 'node:path';
import type { ApiClient } from '../../src/client/api-client.js';
import { pastedToCsv } from '../../src/domain/pasted-list.js';
import type { ImportSource } from './import-dialog.js';

export function importSource(client: ApiClient): ImportSource {
  return {
    async read(value) {
      const path = resolve(value.replace(/^~(?=$|\/)/, homedir()));
      const isFile =
        !value.includes('@') &&
        (await stat(path).then(
          (s) => s.isFile(),
          () => false,
        ));
      if (isFile) return { text: await readFile(path, 'utf8'), label: basename(path) };
      if (!value.includes('@')) throw new Error(`There is no file ${path}. Give a CSV file, or paste addresses.`);
      return { text: pastedToCsv(value), label: 'pasted list' };
    },
    preview: (csv, inviteFirst) => client.importUsers({ csv, dryRun: true, inviteFirst }),
    apply: (csv, inviteFirst) => client.importUsers({ csv, inviteFirst }),
  };
}
