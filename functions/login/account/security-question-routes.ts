import { randomUUID } from 'node:crypto';
import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import type { SecurityQuestionsFactor } from '../../../shared/domain/factors/factor.ts';
import { answerProblems, hashAnswers, questionsOf, type GivenAnswer } from '../../../shared/domain/factors/security-questions.ts';
import { settingsOf } from '../../../shared/domain/tenants/tenant.ts';
import { HttpError, notFound } from '../../../shared/http/errors.ts';
import { jsonObjectOf } from '../../../shared/http/forms.ts';
import type { HttpRequest, HttpResponse } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { loginEvent } from '../login/login-common.ts';
import { accountCaller, type AccountCaller } from './account-session.ts';

/** The account API's security questions (/t/{tenant}/account/api/security-questions), when the tenant has them on. */

type Request = HttpRequest<PlatformPorts>;

const weaker = 'Security questions are weaker than a second factor: answers can often be found or guessed. Add an authenticator app or a passkey as well.';

const storedOf = async (request: Request, { tenant, user }: AccountCaller) =>
  (await request.deps.factors.listFactors(tenant.id, user.id)).find((f): f is SecurityQuestionsFactor => f.kind === 'security_questions');

const policyOf = (caller: AccountCaller) => {
  const policy = settingsOf(caller.tenant).securityQuestions;
  if (!policy?.enabled) throw new HttpError(404, 'not_enabled', 'Security questions are not used here.');
  return policy;
};

/** GET …/security-questions: the questions to choose from, how many to answer, and which the user chose (never the answers). */
export async function showOwnSecurityQuestions(request: Request): Promise<HttpResponse> {
  const caller = await accountCaller(request);
  const policy = policyOf(caller);
  const stored = await storedOf(request, caller);
  return json(200, { questions: questionsOf(policy), answersRequired: policy.answersRequired, chosen: stored?.answers.map((a) => a.question) ?? [], note: weaker });
}

/** PUT …/security-questions {answers: [{question, answer}]}: replaces the user's answers. */
export async function setOwnSecurityQuestions(request: Request): Promise<HttpResponse> {
  const caller = await accountCaller(request, { recent: true });
  const policy = policyOf(caller);
  const body = jsonObjectOf(request);
  const answers = Array.isArray(body.answers) && body.answers.length <= 10 ? body.answers : undefined;
  const given = answers?.every((a): a is GivenAnswer => typeof a === 'object' && a !== null && typeof a.question === 'string' && typeof a.answer === 'string' && a.question.length <= 200 && a.answer.length <= 500) ? answers : undefined;
  if (!given) throw new HttpError(400, 'validation_failed', 'Send answers as [{question, answer}].');
  const problems = answerProblems(given, policy);
  if (problems.length) throw new HttpError(400, 'validation_failed', problems[0]!, { details: { errors: problems } });
  const { tenant, user } = caller;
  const previous = await storedOf(request, caller);
  if (previous) await request.deps.factors.removeFactor(tenant.id, user.id, previous.id, [loginEvent(request, tenant, 'factor.removed', user.id, 'success', { kind: 'security_questions', reason: 'replaced' })]);
  const factor: SecurityQuestionsFactor = { id: randomUUID(), tenant: tenant.id, userId: user.id, kind: 'security_questions', label: 'Security questions', answers: await hashAnswers(given), createdAt: new Date().toISOString() };
  const added = await request.deps.factors.addFactor(factor, [loginEvent(request, tenant, 'factor.enrolled', user.id, 'success', { kind: 'security_questions', factorId: factor.id })]);
  if (added === 'exists') throw new HttpError(409, 'conflict', 'Your answers were changed at the same time elsewhere. Try again.');
  return json(200, { chosen: given.map((g) => g.question), note: weaker });
}

/** DELETE …/security-questions */
export async function removeOwnSecurityQuestions(request: Request): Promise<HttpResponse> {
  const caller = await accountCaller(request, { recent: true });
  const stored = await storedOf(request, caller);
  if (!stored) throw notFound('You have not chosen security questions.');
  await request.deps.factors.removeFactor(caller.tenant.id, caller.user.id, stored.id, [loginEvent(request, caller.tenant, 'factor.removed', caller.user.id, 'success', { kind: 'security_questions', reason: 'by_user' })]);
  return { statusCode: 204, headers: {}, body: '' };
}
