import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { settingsOf } from '../../../shared/domain/tenants/tenant.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { currentSession } from '../../../shared/http/sso-cookie.ts';
import { loginPath } from '../login/login-common.ts';
import { accountDoneMessage, accountPortalPage } from '../views/account-pages.ts';
import { accountPath } from './account-session.ts';

type Request = HttpRequest<PlatformPorts>;

const factorLabels: Readonly<Record<string, string>> = { totp: 'Authenticator app', webauthn: 'Passkey', recovery_codes: 'Recovery codes', security_questions: 'Security questions', email_otp: 'Codes by email' };

/**
 * GET /t/{tenant}/account: the account portal of the signed-in user (else the login, which comes
 * back here). It reads what the account API reads; every change goes through that API.
 */
export async function showAccountPortal(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const now = Date.now();
  const session = await currentSession(request, tenant, request.deps.sessions, settingsOf(tenant), now);
  const user = session ? await request.deps.users.getUser(tenant.id, session.userId) : undefined;
  if (!session || !user || user.status !== 'active') return seeOther(`${loginPath(tenant)}?return_to=${encodeURIComponent(accountPath(tenant))}`);
  const [factors, sessions, consents, linked] = await Promise.all([
    request.deps.factors.listFactors(tenant.id, user.id),
    request.deps.sessions.listForUser(tenant.id, user.id, now),
    request.deps.consents.list(tenant.id, user.id),
    request.deps.linkedIdentities.listForUser(tenant.id, user.id),
  ]);
  const providers = new Map((await Promise.all([...new Set(linked.map((l) => l.idpId))].map((id) => request.deps.identityProviders.get(tenant.id, id)))).flatMap((idp) => (idp ? [[idp.id, idp.name] as const] : [])));
  const body = accountPortalPage({
    nonce: request.state.nonce,
    settings: settingsOf(tenant),
    apiBase: `${accountPath(tenant)}/api`,
    logoutUrl: `${loginPath(tenant)}/logout`,
    profile: {
      userName: user.userName, emails: user.emails.map((e) => ({ value: e.value, verified: e.verified })),
      ...(user.name.givenName ? { givenName: user.name.givenName } : {}), ...(user.name.familyName ? { familyName: user.name.familyName } : {}),
      ...(user.displayName ? { displayName: user.displayName } : {}), ...(user.locale ? { locale: user.locale } : {}),
    },
    hasTotp: factors.some((f) => f.kind === 'totp'),
    factors: factors.map((f) => ({ id: f.id, kind: f.kind, label: f.label || factorLabels[f.kind] || f.kind, ...(f.kind === 'recovery_codes' ? { detail: `${Object.keys(f.codes).length} left` } : {}) })),
    sessions: sessions.map((s) => ({ id: s.idHash, current: s.idHash === session.idHash, signedInAt: new Date(s.authTime).toISOString(), methods: [...s.amr] })),
    consents: consents.filter((c) => !c.withdrawnAt).map((c) => ({ application: c.clientId, scopes: [...c.scopes], grantedAt: c.grantedAt })),
    linked: linked.map((l) => ({ provider: providers.get(l.idpId) ?? l.idpId, linkedAt: l.linkedAt, ...(l.email ? { email: l.email } : {}) })),
  }, accountDoneMessage(request.query.get('done')));
  return htmlResponse(200, body, { 'cache-control': 'no-store' });
}
