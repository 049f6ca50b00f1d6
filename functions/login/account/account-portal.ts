import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { settingsOf } from '../../../shared/domain/tenants/tenant.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { currentSession } from '../../../shared/http/sso-cookie.ts';
import { catalogue, countOf, isMessageKey, negotiateLocale, translator } from '../../../shared/http/i18n.ts';
import { loginPath } from '../login/login-common.ts';
import { accountDoneMessage, accountPortalPage } from '../views/account-pages.ts';
import { accountPath } from './account-session.ts';

type Request = HttpRequest<PlatformPorts>;

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
  // The portal speaks the language the user chose in their profile, else their browser's.
  const locale = negotiateLocale(user.locale, request.headers['accept-language']);
  const t = translator(locale);
  // A factor keeps the label it was enrolled with: the system's English name of its kind is said in the page's language, a name the user gave as it is.
  const labelOf = (f: { kind: string; label: string }) => {
    const key = `account.factor.${f.kind}`;
    if (!isMessageKey(key)) return f.label || f.kind;
    return !f.label || f.label === catalogue.en[key] ? t(key) : f.label;
  };
  const providers = new Map((await Promise.all([...new Set(linked.map((l) => l.idpId))].map((id) => request.deps.identityProviders.get(tenant.id, id)))).flatMap((idp) => (idp ? [[idp.id, idp.name] as const] : [])));
  const body = accountPortalPage({
    nonce: request.state.nonce,
    settings: settingsOf(tenant),
    locale,
    apiBase: `${accountPath(tenant)}/api`,
    logoutUrl: `${loginPath(tenant)}/logout`,
    profile: {
      userName: user.userName, emails: user.emails.map((e) => ({ value: e.value, verified: e.verified })),
      ...(user.name.givenName ? { givenName: user.name.givenName } : {}), ...(user.name.familyName ? { familyName: user.name.familyName } : {}),
      ...(user.displayName ? { displayName: user.displayName } : {}), ...(user.locale ? { locale: user.locale } : {}),
    },
    hasTotp: factors.some((f) => f.kind === 'totp'),
    factors: factors.map((f) => ({ id: f.id, kind: f.kind, label: labelOf(f), ...(f.kind === 'recovery_codes' ? { detail: countOf(t, { one: 'account.codesLeft.one', other: 'account.codesLeft.other' }, Object.keys(f.codes).length) } : {}) })),
    sessions: sessions.map((s) => ({ id: s.idHash, current: s.idHash === session.idHash, signedInAt: new Date(s.authTime).toISOString(), methods: [...s.amr] })),
    consents: consents.filter((c) => !c.withdrawnAt).map((c) => ({ application: c.clientId, scopes: [...c.scopes], grantedAt: c.grantedAt })),
    linked: linked.map((l) => ({ provider: providers.get(l.idpId) ?? l.idpId, linkedAt: l.linkedAt, ...(l.email ? { email: l.email } : {}) })),
  }, accountDoneMessage(t, request.query.get('done')));
  return htmlResponse(200, body, { 'cache-control': 'no-store' });
}
