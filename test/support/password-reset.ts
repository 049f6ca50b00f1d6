import { mailTo } from './mailbox.ts';
import { sharedRuntime } from './shared-runtime.ts';
import { eventually } from './wait.ts';
import { csrfTokenOf, webClient, type WebClient } from './web-client.ts';

/** The forgot-password form, filled and sent; and the reset link the SES stand-in received. */

export async function requestReset(slug: string, email: string, browser: WebClient = webClient(sharedRuntime.url)) {
  const form = await browser.get(`/t/${slug}/login/forgot`);
  return browser.postForm(`/t/${slug}/login/forgot`, { csrf: csrfTokenOf(form.body), email });
}

export async function linkMailedTo(email: string, subject: RegExp): Promise<string> {
  const mail = await eventually(`a mail to ${email}`, async () => (await mailTo(email)).filter((m) => subject.test(m.subject)).at(-1));
  return /https?:\/\/\S+\/login\/reset\?token=([A-Za-z0-9_-]{43})/.exec(mail.body.text ?? '')![0];
}
