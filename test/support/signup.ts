import { randomBytes } from 'node:crypto';
import { waitForMail } from './mailbox.ts';
import { sharedRuntime } from './shared-runtime.ts';
import { webClient, type WebClient } from './web-client.ts';

export const strongPassword = 'correct horse battery staple 42';

export function signupBody(overrides: Record<string, unknown> = {}) {
  const slug = `t-${randomBytes(5).toString('hex')}`;
  return {
    organizationName: `Org ${slug}`,
    tenant: slug,
    adminName: 'Ada Lovelace',
    adminEmail: `ada+${slug}@example.com`,
    adminPassword: strongPassword,
    ...overrides,
  };
}

export const confirmationTokenOf = (text: string) => /\/signup\/confirm\?token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];

export interface SignedUpTenant {
  readonly slug: string;
  readonly adminEmail: string;
  readonly adminPassword: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A tenant created through the real signup API and confirmation link. */
export async function signUpTenant(client: WebClient = webClient(sharedRuntime.url), overrides: Record<string, unknown> = {}): Promise<SignedUpTenant> {
  const body = signupBody(overrides);
  const res = await client.postJson('/api/signup', body);
  if (res.status !== 202) throw new Error(`signup answered ${res.status}: ${res.body}`);
  const mail = await waitForMail(body.adminEmail);
  const token = confirmationTokenOf(mail.body.text ?? '');
  const confirmed = await client.get(`/signup/confirm?token=${token}`, { accept: 'application/json' });
  if (confirmed.status !== 200) throw new Error(`confirmation answered ${confirmed.status}: ${confirmed.body}`);
  const result = confirmed.json<{ issuer: string; managementClient: { client_id: string; client_secret: string } }>();
  return {
    slug: body.tenant,
    adminEmail: body.adminEmail,
    adminPassword: body.adminPassword,
    issuer: result.issuer,
    clientId: result.managementClient.client_id,
    clientSecret: result.managementClient.client_secret,
  };
}
