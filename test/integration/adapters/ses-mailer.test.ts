import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, test } from 'node:test';
import { createSesMailer } from '../../../shared/adapters/ses/ses-mailer.ts';
import { useSharedRuntimeEnvironment } from '../../support/aws-env.ts';
import { waitForMail } from '../../support/mailbox.ts';

before(useSharedRuntimeEnvironment);

test('a mail sent through the SES adapter can be read back from the stand-in', async () => {
  const to = `ada-${randomUUID()}@example.com`;
  const mailer = createSesMailer('no-reply@identity.localhost');
  const { messageId } = await mailer.send({ to, subject: 'Confirm your email', text: 'Your link: https://x/confirm?t=1', html: '<p>Your link</p>' });
  assert.ok(messageId);
  const mail = await waitForMail(to);
  assert.equal(mail.subject, 'Confirm your email');
  assert.equal(mail.from, 'no-reply@identity.localhost');
  assert.match(mail.body.text!, /Your link: https:\/\/x\/confirm\?t=1/);
  assert.match(mail.body.html!, /<p>Your link<\/p>/);
});

test('the mail check passes against the stand-in and fails against nothing', async () => {
  await createSesMailer('no-reply@identity.localhost').check();
  const { SESv2Client } = await import('@aws-sdk/client-sesv2');
  const nowhere = new SESv2Client({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
  await assert.rejects(createSesMailer('no-reply@identity.localhost', nowhere).check());
});
