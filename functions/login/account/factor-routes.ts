import { randomBytes } from 'node:crypto';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { factorView, passkeysOf, type Factor } from '../../../shared/domain/factors/factor.ts';
import { HttpError, notFound } from '../../../shared/http/errors.ts';
import { jsonObjectOf } from '../../../shared/http/forms.ts';
import type { HttpRequest, HttpResponse } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { confirmPasskey, confirmTotp, offerTotp, replaceRecoveryCodes } from '../factors/factor-enrolment.ts';
import { registrationCeremony } from '../factors/passkey-ceremony.ts';
import { loginEvent } from '../login/login-common.ts';
import { accountCaller, type AccountCaller } from './account-session.ts';

/**
 * The account API's factors (/t/{tenant}/account/api/factors): what a user lists, adds and
 * removes for themselves, authenticated by their SSO session. Adding and removing need a
 * recent sign-in. The account portal's pages (console issue) are built on these.
 */

type Request = HttpRequest<PlatformPorts>;

const totpEnrolmentMs = 10 * 60_000;
const maxTotpAttempts = 5;

const stringField = (body: Record<string, unknown>, name: string, max = 512): string | undefined => {
  const value = body[name];
  return typeof value === 'string' && value.length <= max ? value : undefined;
};

const hasRecoveryCodes = (factors: readonly Factor[]) => factors.some((f) => f.kind === 'recovery_codes' && Object.keys(f.codes).length > 0);

/** A new strong factor: recovery codes come with the first one (shown once), so losing the device does not lock the user out. */
async function added(request: Request, caller: AccountCaller, factors: readonly Factor[], factor: Factor): Promise<HttpResponse> {
  const recoveryCodes = hasRecoveryCodes(factors) ? undefined : await replaceRecoveryCodes(request, caller.tenant, caller.user, factors);
  return json(201, { factor: factorView(factor), ...(recoveryCodes ? { recoveryCodes } : {}) });
}

/** GET …/factors */
export async function listOwnFactors(request: Request): Promise<HttpResponse> {
  const { tenant, user } = await accountCaller(request);
  return json(200, { items: (await request.deps.factors.listFactors(tenant.id, user.id)).map(factorView) });
}

/** DELETE …/factors/{factorId} */
export async function removeOwnFactor(request: Request): Promise<HttpResponse> {
  const caller = await accountCaller(request, { recent: true });
  const { tenant, user } = caller;
  const factorId = request.pathParameters.factorId ?? '';
  const factor = (await request.deps.factors.listFactors(tenant.id, user.id)).find((f) => f.id === factorId);
  if (!factor) throw notFound('You have no such factor.');
  const removed = await request.deps.factors.removeFactor(tenant.id, user.id, factor.id, [loginEvent(request, tenant, 'factor.removed', user.id, 'success', { kind: factor.kind, factorId: factor.id, reason: 'by_user' })]);
  if (!removed) throw notFound('You have no such factor.');
  return { statusCode: 204, headers: {}, body: '' };
}

/** POST …/factors/totp: an authenticator app offered (QR code and key), until its first code confirms it. */
export async function offerOwnTotp(request: Request): Promise<HttpResponse> {
  const { tenant, user } = await accountCaller(request, { recent: true });
  if ((await request.deps.factors.listFactors(tenant.id, user.id)).some((f) => f.kind === 'totp')) throw new HttpError(409, 'factor_exists', 'You already have an authenticator app. Remove it first to set up another.');
  const offer = await offerTotp(request, tenant, user);
  const id = randomBytes(32).toString('base64url');
  const expiresAt = Date.now() + totpEnrolmentMs;
  await request.deps.ceremonies.start({ id, tenant: tenant.id, purpose: 'totp-enrolment', userId: user.id, pendingTotp: offer.pending, attempts: 0, expiresAt });
  return json(201, { ceremony: id, otpauthUri: offer.uri, qrCode: offer.qrDataUrl, manualKey: offer.manualKey, expiresAt: new Date(expiresAt).toISOString() });
}

/** POST …/factors/totp/confirm {ceremony, code} */
export async function confirmOwnTotp(request: Request): Promise<HttpResponse> {
  const caller = await accountCaller(request, { recent: true });
  const { tenant, user } = caller;
  const body = jsonObjectOf(request);
  const id = stringField(body, 'ceremony', 64) ?? '';
  const ceremony = /^[A-Za-z0-9_-]{43}$/.test(id) ? await request.deps.ceremonies.take(tenant.id, id, 'totp-enrolment', Date.now()) : undefined;
  if (!ceremony?.pendingTotp || ceremony.userId !== user.id) throw new HttpError(400, 'invalid_ceremony', 'This set-up has expired or is not yours. Start again.');
  const outcome = await confirmTotp(request, tenant, user, ceremony.pendingTotp, stringField(body, 'code', 20) ?? '');
  if (outcome === 'exists') throw new HttpError(409, 'factor_exists', 'You already have an authenticator app.');
  if (outcome === 'wrong') {
    const attempts = (ceremony.attempts ?? 0) + 1;
    // The same set-up stays open for another try, up to a limit (a guessed code would enrol an attacker's nothing, but codes are few).
    if (attempts < maxTotpAttempts) await request.deps.ceremonies.start({ ...ceremony, attempts });
    throw new HttpError(400, 'invalid_code', attempts < maxTotpAttempts ? 'That code is not right. Check the time on your phone and try the next code.' : 'Too many wrong codes. Start again.');
  }
  const factors = await request.deps.factors.listFactors(tenant.id, user.id);
  return added(request, caller, factors, outcome);
}

/** POST …/factors/passkeys/options: a registration ceremony for the browser's navigator.credentials.create(). */
export async function passkeyOptions(request: Request): Promise<HttpResponse> {
  const { tenant, user } = await accountCaller(request, { recent: true });
  const ceremony = await registrationCeremony(request, tenant, user, passkeysOf(await request.deps.factors.listFactors(tenant.id, user.id)));
  return json(200, { ceremony: ceremony.ceremony, publicKey: ceremony.options });
}

/** POST …/factors/passkeys {ceremony, credential, label?} */
export async function addOwnPasskey(request: Request): Promise<HttpResponse> {
  const caller = await accountCaller(request, { recent: true });
  const { tenant, user } = caller;
  const body = jsonObjectOf(request);
  const credential = typeof body.credential === 'object' && body.credential !== null ? JSON.stringify(body.credential) : stringField(body, 'credential', 16_384);
  const label = stringField(body, 'label', 64);
  const factors = await request.deps.factors.listFactors(tenant.id, user.id);
  const outcome = await confirmPasskey(request, tenant, user, factors, { ceremony: stringField(body, 'ceremony', 64), credential, ...(label ? { label } : {}) });
  if (outcome === 'wrong') throw new HttpError(400, 'invalid_passkey', 'The passkey could not be verified. Start again.');
  return added(request, caller, factors, outcome);
}

/** POST …/factors/recovery-codes: ten new codes, replacing the old ones; shown once. */
export async function renewOwnRecoveryCodes(request: Request): Promise<HttpResponse> {
  const { tenant, user } = await accountCaller(request, { recent: true });
  const factors = await request.deps.factors.listFactors(tenant.id, user.id);
  return json(201, { recoveryCodes: await replaceRecoveryCodes(request, tenant, user, factors) });
}
