import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import { emailCodeMatches, emailCodeResendMs, newEmailCode } from '../../../shared/domain/factors/email-code.ts';
import { passkeysOf, type Factor, type RecoveryCodesFactor, type TotpFactor } from '../../../shared/domain/factors/factor.ts';
import { parseCredential, passkeyAmr, PasskeyRejected, verifyAssertion } from '../../../shared/domain/factors/passkeys.ts';
import { matchRecoveryCode } from '../../../shared/domain/factors/recovery-codes.ts';
import { checkTotp } from '../../../shared/domain/factors/totp.ts';
import type { AuthenticatorId, LocalAuthenticatorId } from '../../../shared/domain/flows/flow-document.ts';
import { amrOf } from '../../../shared/domain/flows/flow-plan.ts';
import type { LoginState } from '../../../shared/domain/ports/login-state.ts';
import { createSecureVault } from '../../../shared/domain/secrets/secure-vault.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { primaryEmail, type User } from '../../../shared/domain/users/user.ts';
import type { HttpRequest } from '../../../shared/http/request.ts';
import { relyingPartyOf, signInCeremony, takeCeremony, type BrowserCeremony } from '../factors/passkey-ceremony.ts';
import { translator, type MessageKey, type Translate } from '../../../shared/http/i18n.ts';
import { mailLocale } from '../../../shared/http/mail-wording.ts';
import { loginEvent } from './login-common.ts';
import { transactionOfState } from './sign-in-progress.ts';

type Request = HttpRequest<PlatformPorts>;

/** A step under way: who, with which factors, in which sign-in. */
export interface StepContext {
  readonly request: Request;
  readonly tenant: Tenant;
  readonly state: LoginState;
  readonly user: User;
  readonly factors: readonly Factor[];
}

/** What the user sent for a step: a typed code, or a passkey's signed answer to a ceremony. */
export interface StepAnswer {
  readonly code: string;
  readonly ceremony?: string | null;
  readonly credential?: string | null;
}

export type StepOutcome = { readonly result: 'ok'; readonly amr: readonly string[] } | { readonly result: 'wrong' | 'replayed' };

/**
 * An authenticator a step of a flow can name (CONVENTIONS §2: one interface, one registry).
 * The first step's password is the login form's; these are the ones a step page runs.
 */
export interface StepAuthenticator {
  /** How the step page offers it among a step's other ways. */
  readonly label: MessageKey;
  usable(user: User, factors: readonly Factor[]): boolean;
  /** Once, when the user picks it: e.g. mails a code. Returns the state to go on with. */
  prepare?(step: StepContext): Promise<LoginState>;
  /** At every showing of its page: e.g. a fresh passkey challenge. */
  present?(step: StepContext): Promise<BrowserCeremony>;
  verify(step: StepContext, answer: StepAnswer): Promise<StepOutcome>;
}

const ok = (method: LocalAuthenticatorId): StepOutcome => ({ result: 'ok', amr: [amrOf[method]] });
const spent = (accepted: boolean, method: LocalAuthenticatorId): StepOutcome => (accepted ? ok(method) : { result: 'replayed' });
const stamp = () => new Date().toISOString();

const totp: StepAuthenticator = {
  label: 'step.way.totp',
  usable: (_user, factors) => factors.some((f) => f.kind === 'totp'),
  async verify({ request, tenant, user, factors }, { code }) {
    const factor = factors.find((f): f is TotpFactor => f.kind === 'totp')!;
    const secret = await createSecureVault(request.deps.keyVault).openText('totp-seed', tenant.id, factor.id, factor.sealedSecret);
    const checked = await checkTotp(secret, code.replace(/\s/g, ''), Date.now());
    if (!checked.valid) return { result: 'wrong' };
    return spent(await request.deps.factors.useTotpStep(tenant.id, user.id, factor.id, checked.timeStep, stamp()), 'totp');
  },
};

const recoveryCode: StepAuthenticator = {
  label: 'step.way.recoveryCode',
  usable: (_user, factors) => factors.some((f) => f.kind === 'recovery_codes' && Object.keys(f.codes).length > 0),
  async verify({ request, tenant, user, factors }, { code }) {
    const factor = factors.find((f): f is RecoveryCodesFactor => f.kind === 'recovery_codes')!;
    const lookup = await matchRecoveryCode(code, factor.codes);
    if (!lookup) return { result: 'wrong' };
    return spent(await request.deps.factors.useRecoveryCode(tenant.id, user.id, factor.id, lookup, stamp()), 'recovery_code');
  },
};

const emailOtp: StepAuthenticator = {
  label: 'step.way.emailOtp',
  usable: (user) => primaryEmail(user) !== undefined,
  /** Mails a code for this sign-in, unless one went out less than a minute ago. */
  async prepare({ request, tenant, state, user }) {
    const now = Date.now();
    if (state.emailCode && now - state.emailCode.sentAt < emailCodeResendMs) return state;
    const { code, stored } = newEmailCode(state.id, now);
    const next = { ...state, emailCode: stored };
    if (!(await request.deps.loginStates.update(next, state.failures))) return state;
    const t = translator(mailLocale(user.locale, (await transactionOfState(request, tenant, state))?.uiLocales, request.headers['accept-language']));
    const params = { org: settingsOf(tenant).branding.displayName, code };
    await request.deps.mailer.send({ to: primaryEmail(user)!, subject: t('mail.code.subject', params), text: t('mail.code.text', params) });
    await request.deps.auditLog.record(loginEvent(request, tenant, 'mfa.challenge', user.id, 'success', { method: 'email_otp' }));
    return next;
  },
  async verify({ state }, { code }) {
    return emailCodeMatches(state.id, code.trim(), state.emailCode, Date.now()) ? ok('email_otp') : { result: 'wrong' };
  },
};

const passkey: StepAuthenticator = {
  label: 'step.way.passkey',
  usable: (_user, factors) => passkeysOf(factors).length > 0,
  present: ({ request, tenant, user, factors }) => signInCeremony(request, tenant, { id: user.id, passkeys: passkeysOf(factors) }),
  async verify({ request, tenant, user, factors }, answer) {
    // The challenge is spent whatever happens next: an answer is good for one try.
    const ceremony = await takeCeremony(request, tenant, answer.ceremony, 'passkey-sign-in');
    const response = parseCredential<Parameters<typeof verifyAssertion>[1]>(answer.credential, 'authentication');
    const stored = response && passkeysOf(factors).find((p) => p.credentialId === response.id);
    if (!ceremony?.challenge || ceremony.userId !== user.id || !response || !stored) return { result: 'wrong' };
    try {
      const checked = await verifyAssertion(relyingPartyOf(request, tenant), response, ceremony.challenge, stored, false);
      const accepted = await request.deps.factors.usePasskey(tenant.id, user.id, stored.id, checked.newCounter, stamp());
      return accepted ? { result: 'ok', amr: passkeyAmr(checked.userVerified) } : { result: 'replayed' };
    } catch (error) {
      if (error instanceof PasskeyRejected) return { result: 'wrong' };
      throw error;
    }
  },
};

export const stepAuthenticators: Readonly<Record<Exclude<LocalAuthenticatorId, 'password'>, StepAuthenticator>> = { totp, email_otp: emailOtp, recovery_code: recoveryCode, webauthn: passkey };

export const stepAuthenticator = (id: AuthenticatorId): StepAuthenticator | undefined => (id !== 'password' && Object.hasOwn(stepAuthenticators, id) ? stepAuthenticators[id as Exclude<LocalAuthenticatorId, 'password'>] : undefined);

/** A step's ways as links name them, in the page's language. */
export const choices = (t: Translate, methods: readonly AuthenticatorId[]): Array<{ id: string; label: string }> =>
  methods.map((m) => { const label = stepAuthenticator(m)?.label; return { id: m, label: label ? t(label) : m }; });

/** Which of a step's options this user can use now. */
export const usableOptions = (options: readonly string[], user: User, factors: readonly Factor[]): AuthenticatorId[] =>
  options.filter((option): option is AuthenticatorId => stepAuthenticator(option as AuthenticatorId)?.usable(user, factors) ?? false);
