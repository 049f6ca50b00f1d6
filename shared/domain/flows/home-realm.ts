import type { FlowDocument } from './flow-document.ts';
import { firstStepProviders } from './flow-plan.ts';

/** What a sign-in knows before the user is known: what they typed, and the application's hints. */
export interface RealmClues {
  readonly identifier?: string;
  readonly loginHint?: string;
  readonly idpHint?: string;
  readonly domainHint?: string;
}

const domainOf = (value: string | undefined) => {
  const at = value?.lastIndexOf('@') ?? -1;
  return at > 0 ? value!.slice(at + 1).trim().toLowerCase() : undefined;
};

const domainMatches = (domain: string, pattern: string) => (pattern.startsWith('*.') ? domain.endsWith(pattern.slice(1)) : domain === pattern);

/**
 * Home realm discovery (issue: identity broker): the upstream provider this sign-in should go to,
 * if the flow decides it. An `idp_hint` naming one of the first step's providers wins, then a
 * `domain_hint`, then the domain of the typed email or the `login_hint`, matched against the
 * flow's rules in order. Providers outside the first step are never chosen (trust brokering).
 */
export function homeRealmOf(flow: FlowDocument, clues: RealmClues): string | undefined {
  const providers = firstStepProviders(flow);
  if (flow.homeRealm.hints && clues.idpHint && providers.includes(clues.idpHint)) return clues.idpHint;
  const byDomain = (domain: string | undefined) => (domain ? flow.homeRealm.rules.find((rule) => rule.emailDomains.some((pattern) => domainMatches(domain, pattern)))?.idp : undefined);
  const hinted = flow.homeRealm.hints ? byDomain(clues.domainHint) : undefined;
  return hinted ?? byDomain(domainOf(clues.identifier)) ?? byDomain(domainOf(clues.loginHint));
}

/** The login page asks for the identifier first (then the password, or off to the provider) when the flow has realm rules. */
export const asksIdentifierFirst = (flow: FlowDocument) => flow.homeRealm.rules.length > 0;
