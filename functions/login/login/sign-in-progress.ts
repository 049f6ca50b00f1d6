import { randomBytes } from 'node:crypto';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import type { AuditEvent } from '../../../shared/domain/audit/event.ts';
import { newSession } from '../../../shared/domain/auth/sso-session.ts';
import { indexUpstreamSession } from '../../../shared/domain/federation/upstream-sessions.ts';
import type { Factor } from '../../../shared/domain/factors/factor.ts';
import type { FlowVerdict } from '../../../shared/domain/flows/sign-in-context.ts';
import type { LoginState } from '../../../shared/domain/ports/login-state.ts';
import type { AuthTransaction } from '../../../shared/domain/ports/session-store.ts';
import { settingsOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { primaryEmail, type User } from '../../../shared/domain/users/user.ts';
import { clearCookie, isSecureOrigin, readCookie, setCookie } from '../../../shared/http/cookies.ts';
import { deviceCookie } from '../../../shared/http/device-cookie.ts';
import type { HttpRequest, HttpResponse } from '../../../shared/http/request.ts';
import { htmlResponse, seeOther } from '../../../shared/http/responses.ts';
import { ssoCookie } from '../../../shared/http/sso-cookie.ts';
import type { Locale } from '../../../shared/http/i18n.ts';
import { cannotSignInPage } from '../views/factor-pages.ts';
import { signedInPage } from '../views/login-pages.ts';
import { loginEvent, loginPath, pageLocale } from './login-common.ts';

/**
 * A sign-in's life after its first step: kept server-side under a cookie while steps remain,
 * ended by a new SSO session. The step pages and the enrolment pages both build on this.
 */

type Request = HttpRequest<PlatformPorts>;

const stateCookie = 'idp_login';
const stateLifetimeMs = 10 * 60_000;
/** Wrong codes one sign-in may try before it has to start again (with the password). */
export const maxFailures = 5;
export const stepAttempts = { hits: 30, windowSeconds: 60 };

export const stepPath = (tenant: Tenant) => `${loginPath(tenant)}/step`;
const cookieOptions = (tenant: Tenant, publicUrl: string) => ({ path: `/t/${tenant.slug}`, secure: isSecureOrigin(publicUrl), sameSite: 'Lax' as const });


/** Where a finished sign-in goes, and the session it replaces (a step-up or a sign-in again). */
export type SignInProgress = Pick<LoginState, 'transaction' | 'replacing' | 'returnTo' | 'upstream'>;

/**
 * The end of every sign-in: a new SSO session with the methods used (replacing the one a
 * step-up started from), the device remembered, and back to the protocol or the signed-in page.
 * `loaded` is the sign-in's transaction when this request has read it already.
 */
export async function completeSignIn(request: Request, tenant: Tenant, user: User, amr: readonly string[], events: readonly AuditEvent[], { transaction: transactionId, replacing, returnTo, upstream }: SignInProgress = {}, loaded?: AuthTransaction): Promise<HttpResponse> {
  const settings = settingsOf(tenant);
  const now = Date.now();
  const { id, session } = newSession(tenant.id, user.id, [...new Set(amr)], settings, now, upstream);
  if (replacing) await request.deps.sessions.end(tenant.id, replacing, [loginEvent(request, tenant, 'session.ended', user.id, 'success', { reason: 'step_up' })]);
  const started = loginEvent(request, tenant, 'session.started', user.id, 'success', { amr: session.amr, absoluteExpiresAt: new Date(session.absoluteExpiresAt).toISOString() });
  await request.deps.sessions.create(session, [...events, started]);
  if (session.upstream) await indexUpstreamSession(request.deps.participants, session);
  const cookies = [
    ssoCookie(id, tenant, request.deps.publicUrl, settings),
    deviceCookie(await request.deps.platformSecrets.get('device'), tenant, user.id, request.deps.publicUrl),
    clearCookie(stateCookie, cookieOptions(tenant, request.deps.publicUrl)),
  ];
  const transaction = !transactionId ? undefined : loaded?.id === transactionId ? loaded : await request.deps.authTransactions.find(tenant.id, transactionId, now);
  if (transaction) return { ...seeOther(transaction.returnTo), cookies };
  if (returnTo) return { ...seeOther(returnTo), cookies };
  return { ...htmlResponse(200, signedInPage(request.state.nonce, settings, primaryEmail(user) ?? user.userName, `${loginPath(tenant)}/logout`, pageLocale(request))), cookies };
}

/** The flow denied this sign-in: say so (in the administrator's words), and record it. */
export async function deniedSignIn(request: Request, tenant: Tenant, user: User, message: string, transaction?: { readonly uiLocales?: string }): Promise<HttpResponse> {
  await request.deps.auditLog.record(loginEvent(request, tenant, 'signin.denied', user.id, 'denied', { reason: 'flow_rule', message }));
  return htmlResponse(403, cannotSignInPage({ nonce: request.state.nonce, settings: settingsOf(tenant), message, loginPath: loginPath(tenant), locale: pageLocale(request, transaction) }));
}

/** Steps remain: keep the sign-in server-side and send the browser to the next step. */
export async function continueSignIn(request: Request, tenant: Tenant, user: User, verdict: FlowVerdict, progress: SignInProgress & { amr: readonly string[]; mustChangePassword?: boolean }): Promise<HttpResponse> {
  const state: LoginState = {
    id: randomBytes(32).toString('base64url'),
    tenant: tenant.id,
    userId: user.id,
    ...(progress.transaction ? { transaction: progress.transaction } : {}),
    ...(progress.replacing ? { replacing: progress.replacing } : {}),
    ...(progress.returnTo ? { returnTo: progress.returnTo } : {}),
    ...(progress.upstream ? { upstream: progress.upstream } : {}),
    stepsLeft: verdict.left.map((s) => s.options),
    amr: progress.amr,
    mayEnrol: verdict.mayEnrol,
    ...(progress.mustChangePassword ? { mustChangePassword: true } : {}),
    failures: 0,
    expiresAt: Date.now() + stateLifetimeMs,
  };
  await request.deps.loginStates.create(state);
  return { ...seeOther(stepPath(tenant)), cookies: [setCookie(stateCookie, state.id, { ...cookieOptions(tenant, request.deps.publicUrl), maxAgeSeconds: stateLifetimeMs / 1000 })] };
}

export interface InProgress {
  readonly state: LoginState;
  readonly user: User;
  readonly factors: readonly Factor[];
}

/** The sign-in this browser has under way at this tenant, with its user and factors. */
export async function inProgress(request: Request, tenant: Tenant): Promise<InProgress | undefined> {
  const id = readCookie(request, stateCookie);
  const state = id && /^[A-Za-z0-9_-]{43}$/.test(id) ? await request.deps.loginStates.find(tenant.id, id, Date.now()) : undefined;
  const user = state ? await request.deps.users.getUser(tenant.id, state.userId) : undefined;
  if (!state || !user || user.status !== 'active') return undefined;
  return { state, user, factors: await request.deps.factors.listFactors(tenant.id, user.id) };
}

/** Forgets the sign-in in this browser (its server-side state is removed by the caller). */
export const clearStateCookie = (tenant: Tenant, request: Request) => clearCookie(stateCookie, cookieOptions(tenant, request.deps.publicUrl));

export const restart = (tenant: Tenant, request: Request) => ({ ...seeOther(loginPath(tenant)), cookies: [clearCookie(stateCookie, cookieOptions(tenant, request.deps.publicUrl))] });

/** The protocol's transaction this sign-in is for, while it is open. */
export const transactionOfState = async (request: Request, tenant: Tenant, state: LoginState) =>
  (state.transaction ? await request.deps.authTransactions.find(tenant.id, state.transaction, Date.now()) : undefined);

/**
 * What a step page needs of the protocol's transaction, read once: its language (as the first
 * page's: the transaction's ui_locales, else the browser's) and where the application waiting on
 * this sign-in receives the user (the page's forms end there).
 */
export async function stepPageContext(request: Request, tenant: Tenant, state: LoginState): Promise<{ locale: Locale; clientOrigin?: string }> {
  const transaction = await transactionOfState(request, tenant, state);
  return { locale: pageLocale(request, transaction), ...(transaction?.clientOrigin ? { clientOrigin: transaction.clientOrigin } : {}) };
}

/** The language of a sign-in's step pages, for a page that needs nothing else of the transaction. */
export const stepLocale = async (request: Request, tenant: Tenant, state: LoginState) => (await stepPageContext(request, tenant, state)).locale;

/** The state after a passed step: the next step's turn, the methods used so far, no failures. */
export function passedStep(state: LoginState, amr: readonly string[]): LoginState {
  const { emailCode: _e, pendingTotp: _p, ...rest } = state;
  return { ...rest, stepsLeft: state.stepsLeft.slice(1), amr: [...new Set([...state.amr, ...amr])], failures: 0 };
}
