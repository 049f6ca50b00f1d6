import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { passkeysOf } from '../../../shared/domain/factors/factor.ts';
import { parseCredential, passkeyAmr, PasskeyRejected, userIdOf, verifyAssertion } from '../../../shared/domain/factors/passkeys.ts';
import { afterFirstStep } from '../../../shared/domain/flows/sign-in-context.ts';
import type { Tenant } from '../../../shared/domain/tenants/tenant.ts';
import type { User } from '../../../shared/domain/users/user.ts';
import { verifyCsrf, tenantCsrfOptions } from '../../../shared/http/csrf.ts';
import { isKnownDevice } from '../../../shared/http/device-cookie.ts';
import { formOf } from '../../../shared/http/forms.ts';
import { throttle } from '../../../shared/http/rate-limit.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import { relyingPartyOf, takeCeremony } from '../factors/passkey-ceremony.ts';
import { loginEvent } from './login-common.ts';
import { attemptLimit, progressOf, renderLogin, returnField, transactionOf } from './login-routes.ts';
import { completeSignIn, continueSignIn, deniedSignIn, type SignInProgress } from './sign-in-progress.ts';
import type { AuthTransaction } from '../../../shared/domain/ports/session-store.ts';

type Request = HttpRequest<PlatformPorts>;


/**
 * POST /t/{tenant}/login/passkey: a username-less first step. The ceremony (one challenge, one
 * use) must be this tenant's, the credential's user handle must name an active user of this
 * tenant, the credential must be one of that user's passkeys, and the assertion must verify
 * with user verification. A passkey of another tenant on the same host names a user this
 * tenant does not have, and fails like any other.
 */
export async function submitPasskeySignIn(request: Request): Promise<HttpResponse> {
  const tenant = tenantOf(request);
  const form = formOf(request);
  verifyCsrf(request, `login:${tenant.id}`, form.get('csrf'), (await tenantCsrfOptions(request.deps, tenant)).key);
  await throttle(request, `login#${tenant.id}#${request.state.clientIp}`, attemptLimit, { tenant: tenant.id, endpoint: 'login' });
  const transaction = await transactionOf(request, tenant, form.get('tx'));
  const refuse = async (reason: string, userId?: string) => {
    await request.deps.auditLog.record(loginEvent(request, tenant, 'signin.failure', userId, 'failure', { reason, method: 'webauthn' }));
    return renderLogin(request, tenant, 401, transaction, { error: 'signIn.passkeyFailed', ...returnField(tenant, form) });
  };
  const ceremony = await takeCeremony(request, tenant, form.get('ceremony'), 'passkey-sign-in');
  if (!ceremony?.challenge || ceremony.userId) return refuse('passkey_challenge_unknown');
  const response = parseCredential<Parameters<typeof verifyAssertion>[1]>(form.get('credential'), 'authentication');
  const userId = response && userIdOf(response);
  const user = userId ? await request.deps.users.getUser(tenant.id, userId) : undefined;
  if (!response || !user) return refuse('unknown_passkey');
  if (user.status !== 'active') return refuse(user.status === 'disabled' ? 'disabled' : user.status, user.id);
  const passkey = passkeysOf(await request.deps.factors.listFactors(tenant.id, user.id)).find((p) => p.credentialId === response.id);
  if (!passkey) return refuse('unknown_passkey', user.id);
  let userVerified: boolean;
  try {
    const checked = await verifyAssertion(relyingPartyOf(request, tenant), response, ceremony.challenge, passkey, true);
    if (!(await request.deps.factors.usePasskey(tenant.id, user.id, passkey.id, checked.newCounter, new Date().toISOString()))) return refuse('passkey_counter', user.id);
    userVerified = checked.userVerified;
  } catch (error) {
    if (error instanceof PasskeyRejected) return refuse('passkey_rejected', user.id);
    throw error;
  }
  return afterPasskey(request, tenant, user, passkeyAmr(userVerified), transaction, await progressOf(request, tenant, transaction, form));
}

async function afterPasskey(request: Request, tenant: Tenant, user: User, amr: string[], transaction: AuthTransaction | undefined, progress: SignInProgress): Promise<HttpResponse> {
  const facts = {
    ...(transaction?.application ? { application: transaction.application } : {}),
    acrValues: transaction?.acrValues ?? [],
    clientIp: request.state.clientIp,
    newDevice: !isKnownDevice(request, await request.deps.platformSecrets.get('device'), tenant.id, user.id),
    now: Date.now(),
  };
  const verdict = await afterFirstStep(request.deps, tenant.id, user, facts, amr);
  if (verdict.denied) return deniedSignIn(request, tenant, user, verdict.denied, transaction);
  // The page offered a passkey because a rule might allow one; for this user it may not.
  if (!verdict.first?.options.includes('webauthn')) {
    await request.deps.auditLog.record(loginEvent(request, tenant, 'signin.failure', user.id, 'failure', { reason: 'passkey_not_allowed', method: 'webauthn' }));
    return renderLogin(request, tenant, 401, transaction, { error: 'signIn.usePassword', ...(progress.returnTo ? { returnTo: progress.returnTo } : {}) });
  }
  const succeeded = loginEvent(request, tenant, 'signin.success', user.id, 'success', { method: 'webauthn' });
  if (!verdict.left.length) return completeSignIn(request, tenant, user, amr, [succeeded], progress, transaction);
  await request.deps.auditLog.record(succeeded);
  return continueSignIn(request, tenant, user, verdict, { amr, ...progress });
}
