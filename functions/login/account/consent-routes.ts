import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { consentView, withdrawnConsent } from '../../../shared/domain/consent/application-consent.ts';
import { notFound } from '../../../shared/http/errors.ts';
import type { HttpRequest, HttpResponse } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { loginEvent } from '../login/login-common.ts';
import { accountCaller } from './account-session.ts';

/**
 * The account API's consents (/t/{tenant}/account/api/consents): what the user allowed each
 * application, their receipts, and withdrawal. Withdrawing is as easy as consenting (GDPR
 * Art. 7(3)): no sign-in again is needed.
 */

type Request = HttpRequest<PlatformPorts>;

const idPattern = /^[A-Za-z0-9_.:-]{1,128}$/;

/** GET …/consents */
export async function listOwnConsents(request: Request): Promise<HttpResponse> {
  const { tenant, user } = await accountCaller(request);
  const [consents, receipts] = await Promise.all([request.deps.consents.list(tenant.id, user.id), request.deps.consents.receipts(tenant.id, user.id)]);
  return json(200, { items: consents.map((c) => ({ ...consentView(c), ...(c.withdrawnAt ? { withdrawnAt: c.withdrawnAt } : {}) })), receipts: receipts.map((r) => ({ id: r.id, application: r.clientId, issuedAt: r.issuedAt })) });
}

/** GET …/consent-receipts/{receiptId}: the signed receipt itself (a JWT, to keep or to check against the tenant's JWKS). */
export async function downloadOwnReceipt(request: Request): Promise<HttpResponse> {
  const { tenant, user } = await accountCaller(request);
  const id = request.pathParameters.receiptId ?? '';
  const receipt = /^[0-9a-f-]{36}$/.test(id) ? await request.deps.consents.receipt(tenant.id, user.id, id) : undefined;
  if (!receipt) throw notFound('You have no such receipt.');
  return { statusCode: 200, headers: { 'content-type': 'application/jwt', 'content-disposition': `attachment; filename="consent-receipt-${receipt.id}.jwt"` }, body: receipt.jwt };
}

/** DELETE …/consents/{application}: the application gets nothing more until the user consents again; its refresh tokens are revoked. */
export async function withdrawOwnConsent(request: Request): Promise<HttpResponse> {
  const { tenant, user } = await accountCaller(request);
  const application = request.pathParameters.application ?? '';
  const consent = idPattern.test(application) ? await request.deps.consents.find(tenant.id, user.id, application) : undefined;
  if (!consent || consent.withdrawnAt) throw notFound('You have no consent to that application.');
  const families = (await request.deps.grants.activeFamiliesOf(tenant.id, user.id, Date.now())).filter((f) => f.clientId === application);
  for (const family of families) await request.deps.grants.revokeFamily(tenant.id, family.id, [loginEvent(request, tenant, 'token.revoked', user.id, 'success', { kind: 'refresh_token', refreshFamily: family.id, reason: 'consent_withdrawn' })]);
  await request.deps.consents.save(withdrawnConsent(consent, new Date()), [loginEvent(request, tenant, 'consent.withdrawn', user.id, 'success', { application, refreshFamiliesRevoked: families.length })]);
  return { statusCode: 204, headers: {}, body: '' };
}
