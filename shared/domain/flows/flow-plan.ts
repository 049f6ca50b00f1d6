import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { isFederated, type Action, type AuthenticatorId, type Condition, type FlowDocument, type LocalAuthenticatorId } from './flow-document.ts';

/** What a sign-in is judged by: who (once known), from where, to what, and how it has gone so far. */
export interface SignInContext {
  /** Names of the user's groups; empty before the user is known. */
  readonly groups: readonly string[];
  readonly attributes: Readonly<Record<string, string>>;
  /** The application (client id or SP entity id) the sign-in is for, if any. */
  readonly application?: string;
  readonly clientIp: string;
  readonly newDevice: boolean;
  readonly now: Date;
  readonly failedAttempts: number;
  readonly acrValues: readonly string[];
}

export interface PlannedStep {
  /** Numbered from 1, as the document's author counts. */
  readonly number: number;
  readonly options: readonly AuthenticatorId[];
}

export interface FlowPlan {
  readonly denied?: string;
  /** The steps this sign-in must pass, in order. */
  readonly steps: readonly PlannedStep[];
  /** Why: each rule and whether it applied, and what became of each step. */
  readonly trace: readonly string[];
}

/** RFC 8176 method references each authenticator contributes to `amr`. */
export const amrOf: Readonly<Record<LocalAuthenticatorId, string>> = { password: 'pwd', totp: 'otp', email_otp: 'otp', recovery_code: 'otp', webauthn: 'hwk' };
/** RFC 8176 has no value for "an upstream identity provider vouched": `fed` says it (other values are allowed). */
export const federatedAmr = 'fed';
export const amrOfMethod = (option: AuthenticatorId): string => (isFederated(option) ? federatedAmr : amrOf[option as LocalAuthenticatorId]);

function inRanges(ip: string, ranges: readonly string[]): boolean {
  const family = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : undefined;
  if (!family) return false;
  const list = new BlockList();
  for (const range of ranges) {
    const [address, prefix] = range.split('/') as [string, string];
    const rangeFamily = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (rangeFamily === family) list.addSubnet(address, Number(prefix), rangeFamily);
  }
  return list.check(ip, family);
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Whether a condition holds in the context; pure, no I/O. */
export function holds(condition: Condition, context: SignInContext): boolean {
  if ('all' in condition) return condition.all.every((c) => holds(c, context));
  if ('any' in condition) return condition.any.some((c) => holds(c, context));
  if ('not' in condition) return !holds(condition.not, context);
  if ('memberOf' in condition) return context.groups.some((g) => g.toLowerCase() === condition.memberOf.toLowerCase());
  if ('attribute' in condition) return context.attributes[condition.attribute.name] === condition.attribute.equals;
  if ('application' in condition) return context.application !== undefined && condition.application.includes(context.application);
  if ('ipIn' in condition) return inRanges(context.clientIp, condition.ipIn);
  if ('newDevice' in condition) return context.newDevice === condition.newDevice;
  if ('timeOfDayUtc' in condition) {
    const now = context.now.getUTCHours() * 60 + context.now.getUTCMinutes();
    const [from, to] = [minutes(condition.timeOfDayUtc.from), minutes(condition.timeOfDayUtc.to)];
    // A window that passes midnight (22:00–06:00) wraps around.
    return from <= to ? now >= from && now < to : now >= from || now < to;
  }
  if ('failedAttemptsAtLeast' in condition) return context.failedAttempts >= condition.failedAttemptsAtLeast;
  return context.acrValues.includes(condition.acrRequested);
}

/** Whether any rule's condition looks at the user's groups (only then are they worth reading). */
export function needsGroups(flow: FlowDocument): boolean {
  const uses = (c: Condition): boolean => ('all' in c ? c.all.some(uses) : 'any' in c ? c.any.some(uses) : 'not' in c ? uses(c.not) : 'memberOf' in c);
  return flow.rules.some((rule) => uses(rule.when));
}

const describe = (action: Action) =>
  'requireStep' in action ? `require step ${action.requireStep}` : 'skipStep' in action ? `skip step ${action.skipStep}` : 'addOption' in action ? `add ${action.addOption.authenticator} to step ${action.addOption.step}` : `deny: ${action.deny}`;

/** The authentication context class an application asks for to get a second factor (and that ID tokens name when there was one). */
export const mfaAcr = 'urn:idp:acr:mfa';

/**
 * The steps a sign-in must pass (the flow engine). Rules run in document order: any matching
 * `deny` denies; for each step, the last matching `requireStep` or `skipStep` decides whether it
 * runs (an optional step runs only when required); `addOption`s accumulate. The first step,
 * which identifies the user, always runs. An application asking for multi-factor
 * authentication (`acr_values` = `urn:idp:acr:mfa`) of a flow that would otherwise run only the
 * first step gets its first optional step, unless a rule skipped it.
 */
export function planFlow(flow: FlowDocument, context: SignInContext): FlowPlan {
  const trace: string[] = [];
  const runs = flow.steps.map((step) => !step.optional);
  const options = flow.steps.map((step) => [...step.options]);
  let denied: string | undefined;
  const skipped = new Set<number>();
  flow.rules.forEach((rule, i) => {
    const applies = holds(rule.when, context);
    trace.push(`rule ${i + 1}${rule.description ? ` (${rule.description})` : ''}: ${applies ? 'applies' : 'does not apply'}${applies ? ` → ${describe(rule.then)}` : ''}`);
    if (!applies) return;
    const action = rule.then;
    if ('deny' in action) denied ??= action.deny;
    else if ('requireStep' in action) runs[action.requireStep - 1] = true;
    else if ('skipStep' in action) {
      runs[action.skipStep - 1] = false;
      skipped.add(action.skipStep - 1);
    }
    else if (!options[action.addOption.step - 1]!.includes(action.addOption.authenticator)) options[action.addOption.step - 1]!.push(action.addOption.authenticator);
  });
  runs[0] = true;
  if (context.acrValues.includes(mfaAcr) && !runs.slice(1).some(Boolean)) {
    const second = flow.steps.findIndex((step, i) => i > 0 && step.optional && !skipped.has(i));
    if (second > 0) {
      runs[second] = true;
      trace.push(`${mfaAcr} requested: step ${second + 1} runs`);
    }
  }
  const steps = flow.steps.flatMap((_, i) => (runs[i] ? [{ number: i + 1, options: options[i]! }] : []));
  flow.steps.forEach((step, i) => trace.push(`step ${i + 1} (${options[i]!.join(' or ')}): ${runs[i] ? 'runs' : step.optional ? 'optional, not required' : 'skipped'}`));
  return { ...(denied ? { denied } : {}), steps, trace };
}

/** A step is covered by a session whose methods include one of the step's options. */
/** Whether a page that does not know the user yet should offer this method for the first step (its options, or a rule that may add it). */
export const firstStepMayUse = (flow: FlowDocument, method: AuthenticatorId): boolean =>
  flow.steps[0]!.options.includes(method) || flow.rules.some((rule) => 'addOption' in rule.then && rule.then.addOption.step === 1 && rule.then.addOption.authenticator === method);

/** The upstream providers (ids) a page that does not know the user yet may offer for the first step. */
export const firstStepProviders = (flow: FlowDocument): string[] => {
  const options = [...flow.steps[0]!.options, ...flow.rules.flatMap((rule) => ('addOption' in rule.then && rule.then.addOption.step === 1 ? [rule.then.addOption.authenticator] : []))];
  return [...new Set(options.filter(isFederated).map((o) => o.slice('federated:'.length)))];
};

export const stepCovered = (step: PlannedStep, amr: readonly string[]) => step.options.some((option) => amr.includes(amrOfMethod(option)));

/**
 * The session policy: which planned steps an existing SSO session leaves to do. Too old a
 * session does all of them again; otherwise (with step-up on) the steps its methods do not
 * cover — the seed's "force authentication" for a password-only session meeting an MFA flow.
 */
export function stepsLeft(flow: FlowDocument, plan: FlowPlan, session: { amr: readonly string[]; authTime: number }, now: number): PlannedStep[] {
  if (flow.session.maxAgeSeconds !== undefined && now - session.authTime > flow.session.maxAgeSeconds * 1000) return [...plan.steps];
  if (!flow.session.stepUp) return [];
  return plan.steps.filter((step) => !stepCovered(step, session.amr));
}

/** The dry run: the plan for a context, and what a given session would still have to do. */
export function explainFlow(flow: FlowDocument, context: SignInContext, session?: { amr: readonly string[]; authTime: number }) {
  const plan = planFlow(flow, context);
  const left = session ? stepsLeft(flow, plan, session, context.now.getTime()) : plan.steps;
  return { ...plan, stepsLeft: left.map((s) => s.number) };
}
