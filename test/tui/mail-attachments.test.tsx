// The console's mail reader: Cc and Bcc in the header, the attachments listed, and one saved to a file.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { App } from '../../tui/app.js';
import { osc52 } from '../../tui/clipboard.js';
import { memoryPrefs } from '../../tui/prefs.js';
import { KEY, renderTui } from '../helpers/ink.js';
import { ADMIN, removeDir, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let dir = '';
beforeAll(async () => {
  s = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'seatdesk-save-'));
});
afterAll(async () => {
  await s.stop();
  await removeDir(s.dir);
  await removeDir(dir);
});

describe('mail reader in the console', () => {
  it('shows Cc, Bcc and the attachments, and saves the chosen one to a file (never over an existing one)', async () => {
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: s.smtpPort!, secure: false, ignoreTLS: true });
    await smtp.sendMail({
      from: 'robot@example.com',
      to: 'files@example.com',
      cc: 'copy@example.com',
      bcc: 'blind@example.com',
      subject: 'Two files',
      text: 'Attached.',
      attachments: [
        { filename: 'a.txt', content: 'first file\n' },
        { filename: 'b.csv', content: 'x,y\n1,2\n', contentType: 'text/csv' },
      ],
    });
    smtp.close();
    await s.admin.latestMail({ to: 'files@example.com', wait: 15 });

    const token = (await s.client().login({ ...ADMIN, client: 'tui', clientId: 'attachments-test' })).token;
    const ui = renderTui(
      <App
        client={new ApiClient(s.url, { token })}
        readOnly={false}
        prefs={memoryPrefs()}
        clientId="attachments-test"
        writeControl={() => {}}
        osc52={osc52}
      />,
      { columns: 120, rows: 30 },
    );
    try {
      await ui.waitFor('● live');
      ui.press('3');
      await ui.waitFor('Two files');
      ui.press(KEY.enter);
      const reader = await ui.waitFor('Attachments:');
      expect(reader).toContain('Cc: copy@example.com');
      expect(reader).toContain('Bcc: blind@example.com');
      expect(reader).toMatch(/▸a\.txt \(text\/plain, \d+ B\) +b\.csv \(text\/csv, \d+ B\)/);

      ui.press('a');
      await ui.waitFor(/ a\.txt .*▸b\.csv/);
      ui.press('S');
      const dialog = await ui.waitFor('Save attachment');
      expect(dialog).toContain('./b.csv');
      const target = join(dir, 'saved.csv');
      ui.press(...Array('./b.csv'.length).fill(KEY.backspace));
      ui.type(target);
      ui.press(KEY.enter);
      await ui.waitFor(`to ${target}.`);
      expect(await readFile(target, 'utf8')).toBe('x,y\n1,2\n');

      ui.press('S');
      await ui.waitFor('Save attachment');
      ui.press(...Array('./b.csv'.length).fill(KEY.backspace));
      ui.type(target);
      ui.press(KEY.enter);
      await ui.waitFor('already exists; choose another name.');
    } finally {
      ui.unmount();
    }
  });
});
