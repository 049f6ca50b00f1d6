import { hashSecret, verifySecret } from '../secrets/secret-hashing.ts';

/**
 * Security questions: an optional, extra check on a password reset, off unless a tenant turns
 * it on. They are weaker than any second factor (answers are often public or guessable, NIST SP
 * 800-63B no longer allows them as an authenticator), so they never sign anyone in on their own:
 * they only make an emailed reset link insufficient by itself.
 */

/** Offered when a tenant turns the feature on without its own list. */
export const defaultSecurityQuestions: readonly string[] = [
  'What was the name of your first school?',
  'In which city did your parents meet?',
  'What was the make and model of your first car?',
  'What is the name of the street you grew up on?',
  'What was the name of your childhood best friend?',
  'What was the first concert you went to?',
];

export interface SecurityQuestionsPolicy {
  readonly enabled: boolean;
  readonly questions?: readonly string[];
  /** How many questions a user answers (and must answer again on a reset). */
  readonly answersRequired: number;
}

export const questionsOf = (policy: SecurityQuestionsPolicy) => policy.questions ?? defaultSecurityQuestions;

/** Compared without case, accents' compatibility forms, punctuation or extra spaces: "St. John's" = "st johns". */
export const normalizeAnswer = (answer: string) =>
  answer.normalize('NFKC').toLowerCase().replace(/['’`]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

export interface GivenAnswer {
  readonly question: string;
  readonly answer: string;
}

/** What is wrong with a user's chosen answers, for the form (empty when they can be kept). */
export function answerProblems(given: readonly GivenAnswer[], policy: SecurityQuestionsPolicy): string[] {
  const allowed = questionsOf(policy);
  const problems: string[] = [];
  if (given.length !== policy.answersRequired) problems.push(`Answer exactly ${policy.answersRequired} questions.`);
  if (new Set(given.map((g) => g.question)).size !== given.length) problems.push('Choose different questions.');
  if (given.some((g) => !allowed.includes(g.question))) problems.push('Choose questions from the list.');
  const normalized = given.map((g) => normalizeAnswer(g.answer));
  if (normalized.some((a) => a.length < 3 || a.length > 200)) problems.push('Each answer needs at least 3 letters or digits (and at most 200).');
  if (new Set(normalized).size !== normalized.length) problems.push('Give a different answer to each question.');
  return problems;
}

export const hashAnswers = async (given: readonly GivenAnswer[]) =>
  Promise.all(given.map(async (g) => ({ question: g.question, hash: await hashSecret('security-answer', normalizeAnswer(g.answer)) })));

/** Whether every stored question is answered correctly (all are checked, so timing says nothing about which failed). */
export async function answersMatch(stored: ReadonlyArray<{ question: string; hash: string }>, given: ReadonlyMap<string, string>): Promise<boolean> {
  const results = await Promise.all(stored.map((s) => verifySecret(normalizeAnswer(given.get(s.question) ?? ''), s.hash)));
  return results.length > 0 && results.every(Boolean);
}
