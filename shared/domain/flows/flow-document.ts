import { z } from 'zod';
import { claimMappingsSchema, groupRulesSchema, reservedClaimNames } from '../federation/claim-mapping.ts';

/** The authenticators a flow can name; each is a handler in the authenticator registry. */
export const authenticatorIds = ['password', 'totp', 'email_otp', 'recovery_code', 'webauthn'] as const;
export type LocalAuthenticatorId = (typeof authenticatorIds)[number];
/** A local authenticator, or a sign-in through one of the tenant's upstream identity providers (`federated:{id}`). */
export type AuthenticatorId = LocalAuthenticatorId | `federated:${string}`;

const federatedPattern = /^federated:[A-Za-z0-9_-]{1,64}$/;
const authenticator = z.union([z.enum(authenticatorIds), z.string().regex(federatedPattern) as z.ZodType<`federated:${string}`>], {
  error: (issue) => `unknown authenticator ${JSON.stringify(issue.input)}; known: ${authenticatorIds.join(', ')}, or federated:{identity provider id}`,
});
export const isFederated = (option: string) => federatedPattern.test(option);

const cidr = z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/, 'an IPv4 or IPv6 CIDR range such as 10.0.0.0/8');

/** A condition on the context of a sign-in; the combinators nest. */
export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | { readonly memberOf: string }
  | { readonly attribute: { readonly name: string; readonly equals: string } }
  | { readonly application: readonly string[] }
  | { readonly ipIn: readonly string[] }
  | { readonly newDevice: boolean }
  | { readonly timeOfDayUtc: { readonly from: string; readonly to: string } }
  | { readonly failedAttemptsAtLeast: number }
  | { readonly acrRequested: string };

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM (UTC)');

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(conditionSchema).min(1).max(20) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1).max(20) }).strict(),
    z.object({ not: conditionSchema }).strict(),
    z.object({ memberOf: z.string().min(1).max(100) }).strict(),
    z.object({ attribute: z.object({ name: z.string().min(1).max(64), equals: z.string().max(1000) }).strict() }).strict(),
    z.object({ application: z.array(z.string().min(1).max(128)).min(1).max(50) }).strict(),
    z.object({ ipIn: z.array(cidr).min(1).max(50) }).strict(),
    z.object({ newDevice: z.boolean() }).strict(),
    z.object({ timeOfDayUtc: z.object({ from: hhmm, to: hhmm }).strict() }).strict(),
    z.object({ failedAttemptsAtLeast: z.number().int().min(1).max(1000) }).strict(),
    z.object({ acrRequested: z.string().min(1).max(200) }).strict(),
  ]),
).meta({ id: 'FlowCondition' });

/** What a rule does when its condition holds. Steps are numbered from 1, as an administrator reads them. */
export const actionSchema = z.union([
  z.object({ requireStep: z.number().int().min(1) }).strict(),
  z.object({ skipStep: z.number().int().min(1) }).strict(),
  z.object({ addOption: z.object({ step: z.number().int().min(1), authenticator }).strict() }).strict(),
  z.object({ deny: z.string().min(1).max(300) }).strict(),
]);
export type Action = z.infer<typeof actionSchema>;

const stepSchema = z
  .object({
    /** A step passes when any one of its options passes. */
    options: z.array(authenticator).min(1).max(5),
    /** Optional steps run only when a rule requires them (e.g. MFA for administrators). */
    optional: z.boolean().default(false),
  })
  .strict();

/**
 * A flow document (ARCHITECTURE §8): the steps of a sign-in (all must pass; in each, any option
 * passes), rules that change them from context, and when an existing session is good enough.
 */
export const flowDocumentSchema = z
  .object({
    steps: z.array(stepSchema).min(1).max(5),
    rules: z.array(z.object({ description: z.string().max(200).optional(), when: conditionSchema, then: actionSchema }).strict()).max(50).default([]),
    session: z
      .object({
        /** A session older than this must sign in again (seconds; absent: the session's own lifetime). */
        maxAgeSeconds: z.number().int().min(0).max(86_400 * 90).optional(),
        /** A session whose factors do not cover the steps this sign-in needs is stepped up, not trusted. */
        stepUp: z.boolean().default(true),
      })
      .strict()
      .default({ stepUp: true }),
    consent: z
      .object({
        /** The consent purposes (ids) this application needs; users are asked before it receives the claims they cover. */
        purposes: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a consent purpose id')).max(20).default([]),
        /** Records consent without asking, as for an OIDC client registered first-party. */
        skipPrompt: z.boolean().default(false),
      })
      .strict()
      .default({ purposes: [], skipPrompt: false }),
    /**
     * The application's own claims (OIDC ID token and UserInfo) or attributes (SAML), computed from
     * the user with the claim transformation language; they cannot replace the protocol's claims.
     */
    /**
     * Home realm discovery: which upstream provider a sign-in goes to without the user choosing —
     * by the domain of the email they type (or the application's login_hint), or by the
     * application's idp_hint / domain_hint when `hints` allows. A rule's provider must be one of
     * the first step's options.
     */
    homeRealm: z
      .object({
        rules: z.array(z.object({
          emailDomains: z.array(z.string().regex(/^(\*\.)?([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, 'a lowercase domain such as corp.example or *.corp.example')).min(1).max(50),
          idp: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
        }).strict()).max(50).default([]),
        hints: z.boolean().default(true),
      })
      .strict()
      .default({ rules: [], hints: true }),
    claims: claimMappingsSchema
      .superRefine((mappings, ctx) => {
        mappings.forEach((m, i) => {
          if (reservedClaimNames.has(m.target)) ctx.addIssue({ code: 'custom', path: [i, 'target'], message: `${m.target} is the protocol's own claim` });
        });
      })
      .default([]),
    /** Groups users who sign in to this application through an upstream provider join, by conditions on the provider's claims. */
    provisioning: z.object({ groupRules: groupRulesSchema.default([]) }).strict().default({ groupRules: [] }),
    enrolment: z
      .object({
        /** Users may enrol a factor a step requires when they sign in without one. */
        selfService: z.boolean().default(true),
      })
      .strict()
      .default({ selfService: true }),
  })
  .strict()
  .superRefine((flow, ctx) => {
    if (!flow.steps[0]) return;
    const firstOptions = flow.steps[0].options;
    if (flow.steps[0].optional) ctx.addIssue({ code: 'custom', path: ['steps', 0, 'optional'], message: 'the first step identifies the user and cannot be optional' });
    if (!firstOptions.every((o) => o === 'password' || o === 'webauthn' || isFederated(o))) {
      ctx.addIssue({ code: 'custom', path: ['steps', 0, 'options'], message: 'the first step identifies the user: password, webauthn or federated:{id} only' });
    }
    flow.steps.forEach((step, i) => {
      if (i > 0 && step.options.some(isFederated)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'options'], message: 'an upstream identity provider identifies the user: federated options belong in the first step' });
    });
    flow.homeRealm.rules.forEach((rule, i) => {
      if (!firstOptions.includes(`federated:${rule.idp}`)) ctx.addIssue({ code: 'custom', path: ['homeRealm', 'rules', i, 'idp'], message: `federated:${rule.idp} is not an option of the first step` });
    });
    flow.rules.forEach((rule, i) => {
      const step = 'requireStep' in rule.then ? rule.then.requireStep : 'skipStep' in rule.then ? rule.then.skipStep : 'addOption' in rule.then ? rule.then.addOption.step : undefined;
      if (step !== undefined && step > flow.steps.length) ctx.addIssue({ code: 'custom', path: ['rules', i, 'then'], message: `there is no step ${step} (the flow has ${flow.steps.length})` });
      if ('skipStep' in rule.then && rule.then.skipStep === 1) ctx.addIssue({ code: 'custom', path: ['rules', i, 'then', 'skipStep'], message: 'the first step identifies the user and cannot be skipped' });
    });
  });

export type FlowDocument = z.output<typeof flowDocumentSchema>;

export class InvalidFlowDocument extends Error {
  override name = 'InvalidFlowDocument';
  readonly issues: ReadonlyArray<{ path: string; message: string }>;
  constructor(issues: ReadonlyArray<{ path: string; message: string }>) {
    super(`The flow document is invalid: ${issues[0]!.path}: ${issues[0]!.message}`);
    this.issues = issues;
  }
}

/** How deeply a JSON value nests, counted without recursion (a hostile document cannot exhaust the stack). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const maxDepth = 24;

/** Validates a document as an administrator wrote it; the errors name their path (`rules.2.then.requireStep`). */
export function parseFlowDocument(input: unknown): FlowDocument {
  if (depthOf(input) > maxDepth) throw new InvalidFlowDocument([{ path: '(document)', message: `nests deeper than ${maxDepth} levels; combine conditions with all/any instead` }]);
  const parsed = flowDocumentSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidFlowDocument(parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(document)', message: i.message })));
}

/** The flow every tenant starts with: a password, and a second factor only when a rule asks for it. */
export const defaultFlow: FlowDocument = parseFlowDocument({
  steps: [{ options: ['password'] }, { options: ['totp', 'email_otp', 'recovery_code'], optional: true }],
  rules: [],
});

/** The document's JSON Schema (2020-12), for the console's editor. */
export const flowDocumentJsonSchema = () => z.toJSONSchema(flowDocumentSchema, { io: 'input', unrepresentable: 'any' });
