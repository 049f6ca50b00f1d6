import { dictionary } from '@zxcvbn-ts/language-common';
import type { PasswordPolicy } from '../tenants/settings.ts';

/** The most common passwords seen in breaches (zxcvbn-ts's list, ~49,000 entries). */
const breached = new Set<string>((dictionary as Record<string, string[]>)['passwords-common']);

export interface PasswordContext {
  /** Words the password must not simply be: the user's email, name, the tenant's name. */
  readonly personal?: readonly string[];
}

/** Problems with a proposed password, in words a person can act on; empty when it is acceptable. */
export function passwordProblems(password: string, policy: PasswordPolicy, context: PasswordContext = {}): string[] {
  const problems: string[] = [];
  const length = [...password.normalize('NFKC')].length;
  if (length < policy.minLength) problems.push(`Use at least ${policy.minLength} characters.`);
  if (length > policy.maxLength) problems.push(`Use at most ${policy.maxLength} characters.`);
  if (policy.requireLowercase && !/\p{Ll}/u.test(password)) problems.push('Include a lowercase letter.');
  if (policy.requireUppercase && !/\p{Lu}/u.test(password)) problems.push('Include an uppercase letter.');
  if (policy.requireDigit && !/\p{Nd}/u.test(password)) problems.push('Include a digit.');
  if (policy.requireSymbol && !/[^\p{L}\p{Nd}]/u.test(password)) problems.push('Include a symbol.');
  const lower = password.toLowerCase();
  if (policy.rejectBreached && breached.has(lower)) problems.push('This password is one of the most common in known breaches; choose another.');
  const personal = (context.personal ?? []).map((word) => word.toLowerCase()).filter((word) => word.length >= 4);
  if (personal.some((word) => lower === word || lower.includes(word.split('@')[0]!))) problems.push('Do not use your name or email address in your password.');
  return problems;
}
