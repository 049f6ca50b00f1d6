import { sharedRuntime } from './shared-runtime.ts';
import { eventually } from './wait.ts';

export interface StoredMail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { to: string[] };
  readonly subject: string;
  readonly body: { text?: string; html?: string };
  readonly at: number;
}

/** Reads mail from the SES stand-in's store, as the mail viewer shows it. */
export async function mailTo(address: string, sesUrl = sharedRuntime.sesUrl): Promise<StoredMail[]> {
  const res = await fetch(`${sesUrl}/store`);
  const { emails } = (await res.json()) as { emails: StoredMail[] };
  return emails.filter((e) => e.destination.to.includes(address));
}

export const waitForMail = (address: string, sesUrl?: string) =>
  eventually(`mail to ${address}`, async () => (await mailTo(address, sesUrl)).at(-1));
