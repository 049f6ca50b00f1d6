import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config.ts';
import { AuditPipeline } from '../constructs/audit-pipeline.ts';
import { OperationsDashboard } from '../constructs/dashboard.ts';
import { DataTables } from '../constructs/data-tables.ts';
import { Edge } from '../constructs/edge.ts';
import { Email } from '../constructs/email.ts';
import { Keystore } from '../constructs/keystore.ts';
import { PlatformFunction, type FunctionRuntime } from '../constructs/platform-function.ts';
import { ProtocolApi } from '../constructs/protocol-api.ts';
import { Schedules } from '../constructs/schedules.ts';
import { auditFunction, httpFunctions, keysFunction } from '../functions.ts';
import { routeTable } from '../routes.ts';

export interface PlatformStackProps extends StackProps {
  readonly config: PlatformConfig;
  /** Present exactly when `config.edge` is: the web ACL from the us-east-1 firewall stack. */
  readonly webAclArn?: string;
}

/** Requests per second (steady, burst) every route allows before API Gateway answers 429. */
const apiThrottle = { rateLimit: 1000, burstLimit: 2000 };

/** The whole platform as drawn in ARCHITECTURE §1, top to bottom. */
export class PlatformStack extends Stack {
  readonly api: ProtocolApi;
  readonly edge?: Edge;
  readonly keys: PlatformFunction;
  readonly auditConsumer: PlatformFunction;
  readonly publicUrl: string;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { stage, logRetentionDays: logRetention } = config;

    // DynamoDB: Directory · Sessions · SessionIndex · Audit; KMS keystore; SES sender.
    const tables = new DataTables(this, 'Data');
    const keystore = new Keystore(this, 'Keystore', { stage });
    const email = new Email(this, 'Email', { mailFrom: config.mailFrom, ...(config.sender ? { sender: config.sender } : {}) });
    const runtime: FunctionRuntime = { stage, tables, keystore, email, logRetention };

    // API Gateway HTTP API ──routes──▶ one Lambda per protocol.
    this.api = new ProtocolApi(this, 'Api', {
      stage,
      functions: httpFunctions,
      routes: routeTable,
      runtime,
      throttle: apiThrottle,
      ...(config.customDomain && !config.edge ? { customDomain: config.customDomain } : {}),
    });

    // CloudFront (+ WAF rate rules, TLS 1.2+) in front of the API.
    if (config.edge) {
      if (!props.webAclArn) throw new Error('edge=true needs the web ACL of the edge firewall stack');
      this.edge = new Edge(this, 'Edge', {
        stage,
        api: this.api.httpApi,
        webAclArn: props.webAclArn,
        logRetention,
        ...(config.customDomain ? { customDomain: config.customDomain } : {}),
      });
    }

    // Audit table stream ─▶ Pipe ─▶ bus ─▶ CloudWatch Logs and the SIEM.
    const audit = new AuditPipeline(this, 'Audit', {
      stage,
      auditTable: tables.byId.Audit,
      logRetention,
      ...(config.siem ? { siem: config.siem } : {}),
    });

    // bus ─▶ SQS ─▶ audit Lambda (each tenant's own SIEM sinks).
    this.auditConsumer = new PlatformFunction(this, 'AuditFunction', { definition: auditFunction, runtime });
    const consumer = audit.consumeWith(this.auditConsumer.function, Duration.seconds(auditFunction.timeoutSeconds));
    new OperationsDashboard(this, 'Operations', {
      stage,
      httpFunctions: new Map([...this.api.functions].map(([name, fn]) => [name, fn.function])),
      auditFunction: this.auditConsumer.function,
      consumerDeadLetters: consumer.deadLetters,
    });

    // EventBridge Scheduler ─▶ keys Lambda (signing-key rotation).
    this.keys = new PlatformFunction(this, 'KeysFunction', { definition: keysFunction, runtime });
    new Schedules(this, 'Schedules', { stage, keysFunction: this.keys.function, auditFunction: this.auditConsumer.function, rotationSchedule: config.rotationSchedule });

    // The issuer URL exists only once the API (and CloudFront) do.
    this.publicUrl = this.edge?.url ?? this.api.url;
    for (const fn of [...this.api.functions.values(), this.keys, this.auditConsumer]) fn.function.addEnvironment('PUBLIC_URL', this.publicUrl);

    new CfnOutput(this, 'PublicUrl', { value: this.publicUrl, description: 'Base URL of every tenant: issuer = <PublicUrl>/t/<tenant>' });
    if (!config.sender) {
      Annotations.of(this).addWarningV2(
        'identity:senderEmail',
        `senderEmail is not set: no SES identity is created and functions send from the placeholder ${config.mailFrom}, which SES refuses. Set -c senderEmail=<address or domain> to turn mail on.`,
      );
    }
  }
}
