import { GetAccountCommand, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../../domain/ports/mailer.ts';

type SesSender = Pick<SESv2Client, 'send'>;

/** Mail through the SES v2 API; SES_ENDPOINT points it at the local stand-in. */
export function createSesMailer(
  from: string,
  ses: SesSender = new SESv2Client({ maxAttempts: 3, ...(process.env.SES_ENDPOINT ? { endpoint: process.env.SES_ENDPOINT } : {}) }),
): Mailer {
  return {
    async send({ to, subject, text, html }) {
      const out = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [to] },
          Content: {
            Simple: {
              Subject: { Data: subject, Charset: 'UTF-8' },
              Body: { Text: { Data: text, Charset: 'UTF-8' }, ...(html ? { Html: { Data: html, Charset: 'UTF-8' } } : {}) },
            },
          },
        }),
      );
      return { messageId: out.MessageId ?? '' };
    },
    async check() {
      const out = await ses.send(new GetAccountCommand({}));
      if (out.SendingEnabled === false) throw new Error('sending is disabled for this account');
    },
  };
}
