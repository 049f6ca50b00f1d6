import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../audit/event.ts';
import { flowFor } from '../flows/flow-selection.ts';
import type { KeyService } from '../keys/key-service.ts';
import type { ConsentPurposeRegistry } from '../ports/consent-purposes.ts';
import type { ConsentStore, StoredConsent } from '../ports/consent-store.ts';
import type { FlowStore } from '../ports/flow-store.ts';
import type { TenantSettings } from '../tenants/settings.ts';
import type { ConsentPurpose } from './consent-purpose.ts';
import { consentReceipt } from './consent-receipt.ts';
import { decide, purposesToAsk, withheldClaims } from './purpose-consent.ts';
import { userClaimNames } from '../oauth/user-claims.ts';

/**
 * Consent to an application (an OIDC client or a SAML service provider), the same for both
 * protocols: the purposes its flow document names, what the user answered, what is still to
 * ask, and the recording of a decision with its signed receipt.
 */

export interface ConsentDeps {
  readonly flows: FlowStore;
  readonly consentPurposes: ConsentPurposeRegistry;
  readonly consents: ConsentStore;
  readonly keys: KeyService;
}

export interface ConsentApplication {
  readonly id: string;
  readonly name: string;
  readonly firstParty: boolean;
}

export interface ConsentState {
  readonly needed: readonly ConsentPurpose[];
  readonly previous?: StoredConsent;
  /** No prompt: a first-party application, or its flow says so; the consent is recorded all the same. */
  readonly skipPrompt: boolean;
  /** Purposes never answered at their current version: the prompt shows again for these. */
  readonly toAsk: readonly ConsentPurpose[];
}

export async function consentState(deps: ConsentDeps, tenant: string, userId: string, application: ConsentApplication): Promise<ConsentState> {
  const flow = await flowFor(deps.flows, tenant, application.id);
  const found = await Promise.all(flow.consent.purposes.map((id) => deps.consentPurposes.get(tenant, id)));
  const needed = found.filter((p): p is ConsentPurpose => p !== undefined);
  const previous = await deps.consents.find(tenant, userId, application.id);
  return { needed, ...(previous ? { previous } : {}), skipPrompt: application.firstParty || flow.consent.skipPrompt, toAsk: purposesToAsk(needed, previous?.purposes) };
}

export interface ConsentDecision {
  readonly tenant: string;
  readonly issuer: string;
  readonly settings: TenantSettings;
  readonly userId: string;
  readonly language: string;
  readonly application: ConsentApplication;
  /** What the application is given access to (scopes, `claim:<name>` items), added to what it had. */
  readonly items: readonly string[];
  /** The claims those scopes release, for the receipt. */
  readonly releasedClaims: readonly string[];
  /** Optional purposes the user ticked; `everything` accepts all (a first-party application). */
  readonly ticked: ReadonlySet<string>;
  readonly everything: boolean;
  readonly method: 'prompt' | 'first_party';
  readonly at: Date;
  /** The audit events of the decision (their details get the purposes accepted and declined). */
  readonly event: (details: Record<string, unknown>) => AuditEvent;
}

/** Records a decision: the purposes answered, the claims to withhold, and a receipt signed with the tenant's key. */
export async function recordConsent(deps: ConsentDeps, state: ConsentState, decision: ConsentDecision): Promise<StoredConsent> {
  const purposes = decide(state.needed, state.previous?.purposes, decision.ticked, decision.everything);
  const accepted = state.needed.filter((p) => purposes.some((d) => d.id === p.id && d.accepted));
  const declined = state.needed.filter((p) => !accepted.includes(p));
  const receiptId = randomUUID();
  const privacy = decision.settings.privacy ?? {};
  const payload = consentReceipt({
    receiptId,
    issuer: decision.issuer,
    jurisdiction: privacy.jurisdiction ?? 'EU',
    policyUrl: privacy.policyUrl ?? `${decision.issuer}/account`,
    controller: { name: privacy.controller ?? decision.settings.branding.displayName, ...(privacy.email ? { email: privacy.email } : {}), ...(privacy.address ? { address: privacy.address } : {}), ...(privacy.phone ? { phone: privacy.phone } : {}) },
    language: decision.language,
    principal: decision.userId,
    application: decision.application,
    accepted,
    signInClaims: decision.releasedClaims,
    method: decision.method,
    at: decision.at,
  });
  const jwt = await deps.keys.signJwt(decision.tenant, payload, { typ: 'JWT' });
  const consent: StoredConsent = {
    tenant: decision.tenant,
    userId: decision.userId,
    clientId: decision.application.id,
    scopes: [...new Set([...(state.previous?.scopes ?? []), ...decision.items])],
    grantedAt: decision.at.toISOString(),
    purposes,
    withheldClaims: withheldClaims(state.needed, purposes),
    receiptId,
  };
  const issuedAt = decision.at.toISOString();
  await deps.consents.save(consent, [decision.event({ purposesAccepted: accepted.map((p) => p.id), purposesDeclined: declined.map((p) => p.id), receiptId })], { tenant: decision.tenant, userId: decision.userId, id: receiptId, clientId: decision.application.id, jwt, issuedAt });
  return consent;
}

/** What the user and their administrators see of a consent. */
export const consentView = (consent: StoredConsent) => ({
  application: consent.clientId,
  scopes: [...consent.scopes],
  purposes: [...(consent.purposes ?? [])],
  withheldClaims: [...(consent.withheldClaims ?? [])],
  grantedAt: consent.grantedAt,
  ...(consent.receiptId ? { receiptId: consent.receiptId } : {}),
});

/** A withdrawn consent: nothing granted, every purpose declined; kept (not deleted) so the application gets nothing until the user consents again. */
export const withdrawnConsent = (consent: StoredConsent, at: Date): StoredConsent => ({
  ...consent,
  scopes: [],
  purposes: (consent.purposes ?? []).map((d) => ({ ...d, accepted: false })),
  withdrawnAt: at.toISOString(),
});

/** The claims an application must not get under this consent: all of them once withdrawn. */
export const claimsWithheldBy = (consent: StoredConsent | undefined): readonly string[] => (consent?.withdrawnAt ? [...userClaimNames] : (consent?.withheldClaims ?? []));
