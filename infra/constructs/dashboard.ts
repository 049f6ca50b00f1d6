import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, Metric, TextWidget, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export const metricsNamespace = 'IdentityPlatform';

export interface OperationsDashboardProps {
  readonly stage: string;
  /** The HTTP functions by name: their Powertools response counts (Responses4xx/5xx, dimension service). */
  readonly httpFunctions: ReadonlyMap<string, IFunction>;
  readonly auditFunction: IFunction;
  /** Where audit events a tenant's SIEM sink never took end up. */
  readonly consumerDeadLetters: IQueue;
}

/** A metric the functions publish through Powertools (EMF): namespace IdentityPlatform, dimension `service`. */
const emf = (service: string, metricName: string, extra: Record<string, string> = {}, label?: string): Metric =>
  new Metric({ namespace: metricsNamespace, metricName, dimensionsMap: { service, ...extra }, statistic: 'Sum', period: Duration.minutes(5), ...(label ? { label } : {}) });

const auditEvents = (...types: string[]): IMetric[] => types.map((eventType) => emf('audit', 'AuditEvents', { eventType }, eventType));

/**
 * The platform's CloudWatch dashboard: sign-in outcomes, second factors, lockouts and token
 * activity from the audit stream (the audit function's per-type metrics), HTTP errors per
 * function, and the health of the audit pipeline (SIEM delivery failures, dead letters).
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const width = 12;
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `identity-${props.stage}` });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: `# Identity platform (${props.stage})\nSign-ins and tokens come from the audit stream; errors from each function's response counts.`, width: 24, height: 2 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Sign-ins', left: auditEvents('signin.success', 'signin.failure', 'signin.denied'), width }),
      new GraphWidget({ title: 'Second factors', left: auditEvents('mfa.challenge', 'mfa.success', 'mfa.failure'), width }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Lockouts and token reuse', left: auditEvents('user.locked', 'token.reuse_detected', 'ratelimit.exceeded'), width }),
      new GraphWidget({ title: 'Tokens and sessions', left: auditEvents('token.issued', 'token.refreshed', 'session.started', 'session.ended'), width }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'HTTP 5xx by function', left: [...props.httpFunctions.keys()].map((name) => emf(name, 'Responses5xx', {}, name)), width }),
      new GraphWidget({ title: 'HTTP 4xx by function', left: [...props.httpFunctions.keys()].map((name) => emf(name, 'Responses4xx', {}, name)), width }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Audit pipeline',
        left: [emf('audit', 'SiemDeliveryFailures', {}, 'SIEM delivery failures'), props.auditFunction.metricErrors({ label: 'audit function errors', period: Duration.minutes(5) })],
        right: [props.consumerDeadLetters.metricApproximateNumberOfMessagesVisible({ label: 'dead letters', period: Duration.minutes(5) })],
        width,
      }),
      new GraphWidget({ title: 'Audit digests sealed', left: [emf('audit', 'AuditPeriodsSealed', {}, 'hours sealed')], width }),
    );
  }
}
