import type { ConsentPurpose } from './consent-purpose.ts';

/** What a user answered for one purpose of an application, at the purpose's version then. */
export interface PurposeDecision {
  readonly id: string;
  readonly version: number;
  readonly accepted: boolean;
}

/** The purposes an application needs that the user has not answered at their current version: these are asked. */
export const purposesToAsk = (needed: readonly ConsentPurpose[], decisions: readonly PurposeDecision[] = []) =>
  needed.filter((p) => !decisions.some((d) => d.id === p.id && d.version === p.version));

/**
 * The decisions a consent form's answer makes: mandatory purposes are accepted (the form cannot
 * continue otherwise), optional ones as the user ticked them (unticked by default: GDPR Art. 7
 * wants consent to be an affirmative act). Decisions for purposes not asked now are kept.
 */
export function decide(needed: readonly ConsentPurpose[], previous: readonly PurposeDecision[] = [], ticked: ReadonlySet<string>, everything = false): PurposeDecision[] {
  const answered = needed.map((p) => ({ id: p.id, version: p.version, accepted: everything || p.mandatory || ticked.has(p.id) }));
  return [...previous.filter((d) => !needed.some((p) => p.id === d.id)), ...answered];
}

/**
 * Claims an application must not receive: those of a purpose the user declined (or has not
 * answered yet), unless another purpose the user accepted covers the same claim. Claims no
 * purpose of the application mentions are governed by its scopes alone.
 */
export function withheldClaims(needed: readonly ConsentPurpose[], decisions: readonly PurposeDecision[] = []): string[] {
  const accepted = new Set(needed.filter((p) => decisions.some((d) => d.id === p.id && d.accepted)).flatMap((p) => p.claims));
  return [...new Set(needed.filter((p) => !decisions.some((d) => d.id === p.id && d.accepted)).flatMap((p) => p.claims))].filter((c) => !accepted.has(c)).sort();
}
