import type { SsoSession } from '../ports/session-store.ts';
import type { FlowStore } from '../ports/flow-store.ts';
import type { GroupDirectory } from '../ports/group-directory.ts';
import type { User } from '../users/user.ts';
import { flowFor } from './flow-selection.ts';
import { needsGroups, planFlow, stepCovered, stepsLeft, type PlannedStep } from './flow-plan.ts';

export interface FlowDeps {
  readonly flows: FlowStore;
  readonly groups: GroupDirectory;
}

export interface RequestFacts {
  readonly application?: string;
  readonly clientIp: string;
  readonly newDevice: boolean;
  readonly failedAttempts?: number;
  readonly acrValues?: readonly string[];
  readonly now: number;
}

/** The flow's verdict for a known user: denied, or the steps still to pass after those already done. */
export interface FlowVerdict {
  readonly denied?: string;
  readonly left: readonly PlannedStep[];
  /** Whether the user may enrol a factor a step needs (the flow's enrolment setting). */
  readonly mayEnrol: boolean;
  /** The first step as planned for this user (after a first step, to check the method used was one of its options). */
  readonly first?: PlannedStep;
}

async function planFor(deps: FlowDeps, tenant: string, user: User, facts: RequestFacts) {
  const flow = await flowFor(deps.flows, tenant, facts.application);
  const groups = needsGroups(flow) ? (await deps.groups.groupsOf(tenant, user.id)).map((g) => g.name) : [];
  const plan = planFlow(flow, { groups, attributes: user.attributes, ...(facts.application ? { application: facts.application } : {}), clientIp: facts.clientIp, newDevice: facts.newDevice, now: new Date(facts.now), failedAttempts: facts.failedAttempts ?? 0, acrValues: facts.acrValues ?? [] });
  return { flow, plan };
}

/**
 * After the first step (the user now known): what else this sign-in needs. A later step that
 * the first step's methods already cover is done (a passkey with user verification can cover
 * a step that takes a passkey).
 */
export async function afterFirstStep(deps: FlowDeps, tenant: string, user: User, facts: RequestFacts, amr: readonly string[] = ['pwd']): Promise<FlowVerdict> {
  const { flow, plan } = await planFor(deps, tenant, user, facts);
  const [first, ...rest] = plan.steps;
  return { ...(plan.denied ? { denied: plan.denied } : {}), left: rest.filter((step) => !stepCovered(step, amr)), mayEnrol: flow.enrolment.selfService, ...(first ? { first } : {}) };
}

/** For an existing SSO session: what it must still do (step-up) before this application may rely on it. */
export async function forSession(deps: FlowDeps, tenant: string, user: User, session: SsoSession, facts: RequestFacts): Promise<FlowVerdict> {
  const { flow, plan } = await planFor(deps, tenant, user, facts);
  return { ...(plan.denied ? { denied: plan.denied } : {}), left: stepsLeft(flow, plan, session, facts.now), mayEnrol: flow.enrolment.selfService };
}
