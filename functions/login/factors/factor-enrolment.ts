import { randomUUID } from 'node:crypto';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import type { Factor, PasskeyFactor, TotpFactor } from '../../../shared/domain/factors/factor.ts';
import { passkeysOf } from '../../../shared/domain/factors/factor.ts';
import { parseCredential, PasskeyRejected, verifyRegistration } from '../../../shared/domain/factors/passkeys.ts';
import { newRecoveryCodes } from '../../../shared/domain/factors/recovery-codes.ts';
import { checkTotp, newTotpSecret, totpUri } from '../../../shared/domain/factors/totp.ts';
import { createSecureVault } from '../../../shared/domain/secrets/secure-vault.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { primaryEmail, type User } from '../../../shared/domain/users/user.ts';
import type { HttpRequest } from '../../../shared/http/request.ts';
import { loginEvent } from '../login/login-common.ts';
import { relyingPartyOf, takeCeremony } from './passkey-ceremony.ts';

/**
 * Enrolment of factors, the same whether a sign-in asks for one or the user adds one from the
 * account portal: an authenticator app proven by a first code, a passkey proven by its
 * registration, and recovery codes shown once.
 */

type Request = HttpRequest<PlatformPorts>;

export interface PendingTotp {
  readonly factorId: string;
  readonly sealedSecret: string;
}

/** An authenticator app offered: a new seed (sealed until a code proves the app has it), or the one already offered. */
export async function offerTotp(request: Request, tenant: Tenant, user: User, pending?: PendingTotp) {
  const vault = createSecureVault(request.deps.keyVault);
  let offer = pending;
  let secret: string;
  if (offer) secret = await vault.openText('totp-seed', tenant.id, offer.factorId, offer.sealedSecret);
  else {
    secret = newTotpSecret();
    const factorId = randomUUID();
    offer = { factorId, sealedSecret: await vault.seal('totp-seed', tenant.id, factorId, secret) };
  }
  const uri = totpUri(settingsOf(tenant).branding.displayName, primaryEmail(user) ?? user.userName, secret);
  // Loaded here, not at cold start: only an enrolment draws a QR code.
  const { default: QRCode } = await import('qrcode');
  return { pending: offer, uri, qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 200 }), manualKey: secret.replace(/(.{4})/g, '$1 ').trim() };
}

/** Keeps the offered app when the code is right: 'wrong', 'exists' (the user has one), or the new factor. */
export async function confirmTotp(request: Request, tenant: Tenant, user: User, pending: PendingTotp, code: string): Promise<'wrong' | 'exists' | TotpFactor> {
  const now = Date.now();
  const secret = await createSecureVault(request.deps.keyVault).openText('totp-seed', tenant.id, pending.factorId, pending.sealedSecret);
  const checked = await checkTotp(secret, code.replace(/\s/g, '').slice(0, 12), now);
  if (!checked.valid) return 'wrong';
  const stamp = new Date(now).toISOString();
  const totp: TotpFactor = { id: pending.factorId, tenant: tenant.id, userId: user.id, kind: 'totp', label: 'Authenticator app', sealedSecret: pending.sealedSecret, lastTimeStep: checked.timeStep, createdAt: stamp, lastUsedAt: stamp };
  const added = await request.deps.factors.addFactor(totp, [loginEvent(request, tenant, 'factor.enrolled', user.id, 'success', { kind: 'totp', factorId: totp.id })]);
  return added === 'exists' ? 'exists' : totp;
}

const passkeyLabel = (deviceType: PasskeyFactor['deviceType'], count: number) => `${deviceType === 'multiDevice' ? 'Synced passkey' : 'Passkey'}${count ? ` ${count + 1}` : ''}`;

/** Keeps a passkey when its registration answers this user's ceremony: 'wrong', or the new factor. */
export async function confirmPasskey(request: Request, tenant: Tenant, user: User, factors: readonly Factor[], answer: { ceremony: string | null | undefined; credential: string | null | undefined; label?: string }): Promise<'wrong' | PasskeyFactor> {
  const ceremony = await takeCeremony(request, tenant, answer.ceremony, 'passkey-registration');
  const response = parseCredential<Parameters<typeof verifyRegistration>[1]>(answer.credential, 'registration');
  if (!ceremony?.challenge || ceremony.userId !== user.id || !response) return 'wrong';
  let registered: Awaited<ReturnType<typeof verifyRegistration>>;
  try {
    registered = await verifyRegistration(relyingPartyOf(request, tenant), response, ceremony.challenge);
  } catch (error) {
    if (error instanceof PasskeyRejected) return 'wrong';
    throw error;
  }
  if (passkeysOf(factors).some((p) => p.credentialId === registered.credentialId)) return 'wrong';
  const stamp = new Date().toISOString();
  const passkey: PasskeyFactor = { id: randomUUID(), tenant: tenant.id, userId: user.id, label: answer.label?.trim().slice(0, 64) || passkeyLabel(registered.deviceType, passkeysOf(factors).length), createdAt: stamp, ...registered };
  await request.deps.factors.addFactor(passkey, [loginEvent(request, tenant, 'factor.enrolled', user.id, 'success', { kind: 'webauthn', factorId: passkey.id, deviceType: passkey.deviceType })]);
  return passkey;
}

/** New recovery codes, replacing any left (so the ones shown are the ones that work); the codes, to show once. */
export async function replaceRecoveryCodes(request: Request, tenant: Tenant, user: User, factors: readonly Factor[]): Promise<string[]> {
  const previous = factors.find((f) => f.kind === 'recovery_codes');
  if (previous) await request.deps.factors.removeFactor(tenant.id, user.id, previous.id, [loginEvent(request, tenant, 'factor.removed', user.id, 'success', { kind: 'recovery_codes', reason: 'replaced' })]);
  const recovery = await newRecoveryCodes();
  const id = randomUUID();
  await request.deps.factors.addFactor({ id, tenant: tenant.id, userId: user.id, kind: 'recovery_codes', label: 'Recovery codes', codes: recovery.hashes, createdAt: new Date().toISOString() }, [loginEvent(request, tenant, 'factor.enrolled', user.id, 'success', { kind: 'recovery_codes', factorId: id })]);
  return recovery.codes;
}
