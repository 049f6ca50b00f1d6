import { ArnFormat, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import {
  ApiDestination,
  Authorization,
  Connection,
  EventBus,
  EventField,
  HttpMethod,
  Rule,
  RuleTargetInput,
  type IRuleTarget,
} from 'aws-cdk-lib/aws-events';
import { ApiDestination as ApiDestinationTarget, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Construct } from 'constructs';
import type { Siem } from '../config.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';

export const auditEventSource = 'identity-platform.audit';
export const auditEventDetailType = 'AuditEvent';

export interface AuditPipelineProps {
  readonly stage: string;
  readonly auditTable: TableV2;
  readonly logRetention: RetentionDays;
  readonly siem?: Siem;
}

/** Fields of the audit item (shared/domain/audit/event.ts) as the stream record carries them. */
const newImage = (attribute: string): string => EventField.fromPath(`$.detail.dynamodb.NewImage.${attribute}.S`);

/**
 * Audit table stream ─▶ EventBridge Pipe ─▶ bus ─▶ rules (ARCHITECTURE §1). The Audit table is
 * the outbox: every event reaches the bus at least once, and each rule fans it out to a sink.
 * Events carry the raw DynamoDB stream record; consumers unmarshal `detail.dynamodb.NewImage`.
 */
export class AuditPipeline extends Construct {
  readonly bus: EventBus;
  readonly pipe: CfnPipe;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AuditPipelineProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: `identity-${props.stage}-audit` });
    this.pipe = this.streamToBus(props.auditTable);
    this.logGroup = this.logToCloudWatch(props.stage, props.logRetention);
    if (props.siem) this.forwardToSiem(props.siem);
  }

  private streamToBus(auditTable: TableV2): CfnPipe {
    if (!auditTable.tableStreamArn) throw new Error('the Audit table needs its stream (infra/tables.ts: stream NEW_IMAGE)');
    const deadLetters = deadLetterQueue(this, 'PipeDeadLetters', 'records the pipe could not deliver to the audit bus');
    const role = new Role(this, 'PipeRole', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com'),
      description: 'Reads the Audit table stream and puts its records on the audit bus',
    });
    auditTable.grantStreamRead(role);
    this.bus.grantPutEventsTo(role);
    deadLetters.grantSendMessages(role);

    return new CfnPipe(this, 'Pipe', {
      description: 'Audit table stream (new items) to the audit event bus',
      roleArn: role.roleArn,
      source: auditTable.tableStreamArn,
      sourceParameters: {
        // New events only: the hourly digests stored beside them (sk DIGEST#…) stay in the table.
        filterCriteria: { filters: [{ pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { sk: { S: [{ prefix: 'EVENT#' }] } } } }) }] },
        dynamoDbStreamParameters: {
          // TRIM_HORIZON: a pipe created or replaced after the table still delivers the events
          // already in the stream (24 h); at-least-once is the outbox contract, consumers dedupe by id.
          startingPosition: 'TRIM_HORIZON',
          // 10 is the most an event bus target takes per PutEvents call.
          batchSize: 10,
          maximumBatchingWindowInSeconds: 1,
          maximumRetryAttempts: 50,
          maximumRecordAgeInSeconds: 86_400,
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          deadLetterConfig: { arn: deadLetters.queueArn },
        },
      },
      target: this.bus.eventBusArn,
      targetParameters: {
        eventBridgeEventBusParameters: { source: auditEventSource, detailType: auditEventDetailType },
      },
    });
  }

  private auditRule(id: string, description: string): Rule {
    return new Rule(this, id, {
      eventBus: this.bus,
      description,
      eventPattern: { source: [auditEventSource], detailType: [auditEventDetailType] },
    });
  }

  private logToCloudWatch(stage: string, retention: RetentionDays): LogGroup {
    const stack = Stack.of(this);
    const logGroupName = `/aws/events/identity-${stage}/audit`;
    const logGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    const key = new Key(this, 'LogKey', {
      description: `Identity platform ${stage}: encrypts the audit log group`,
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
      }),
    );

    const logGroup = new LogGroup(this, 'AuditLog', { logGroupName, retention, encryptionKey: key });
    // EventBridge writes to CloudWatch Logs under the log group's resource policy, not a role.
    logGroup.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com'), new ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroupArn}:*`],
      }),
    );
    const target: IRuleTarget = { bind: () => ({ arn: logGroupArn }) };
    this.auditRule('LogRule', 'Every audit event to the encrypted audit log group').addTarget(target);
    return logGroup;
  }

  /**
   * Every audit event ─▶ a queue ─▶ the audit consumer (tenants' own SIEM sinks). A message the
   * consumer reports failed comes back after the visibility timeout; after 10 receives it goes to
   * the dead-letter queue. API destinations cannot sign each request with a tenant's own secret,
   * and tenants' sinks change at run time, so these go through a function.
   */
  consumeWith(consumer: IFunction, timeout: Duration): { queue: Queue; deadLetters: Queue } {
    const deadLetters = deadLetterQueue(this, 'ConsumerDeadLetters', 'audit events a tenant SIEM sink did not take after 10 attempts');
    const queue = new Queue(this, 'ConsumerQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // Lambda's advice: at least six times the function's timeout.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 10 },
    });
    this.auditRule('ConsumerRule', 'Every audit event to the audit consumer (tenant SIEM sinks)').addTarget(new SqsQueue(queue));
    consumer.addEventSource(new SqsEventSource(queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), reportBatchItemFailures: true }));
    return { queue, deadLetters };
  }

  private forwardToSiem(siem: Siem): void {
    const credential = SecretValue.secretsManager(siem.secretArn);
    const connection = new Connection(this, 'SiemConnection', {
      description: `Credentials for the ${siem.kind} SIEM sink`,
      authorization:
        siem.kind === 'splunk-hec'
          ? Authorization.apiKey('Authorization', new SecretValue(`Splunk ${credential.unsafeUnwrap()}`))
          : Authorization.apiKey(siem.apiKeyHeader, credential),
    });
    const destination = new ApiDestination(this, 'SiemDestination', {
      description: `Audit events to the ${siem.kind} SIEM sink`,
      connection,
      endpoint: siem.endpoint,
      httpMethod: HttpMethod.POST,
      rateLimitPerSecond: 100,
    });
    const fields = { id: newImage('id'), tenant: newImage('tenant'), type: newImage('type'), time: newImage('time'), outcome: newImage('outcome') };
    const event =
      siem.kind === 'splunk-hec'
        ? RuleTargetInput.fromObject({
            // HEC wants epoch seconds; the stream record's creation time is exactly that.
            time: EventField.fromPath('$.detail.dynamodb.ApproximateCreationDateTime'),
            source: 'identity-platform',
            sourcetype: '_json',
            event: fields,
          })
        : RuleTargetInput.fromObject({ source: 'identity-platform', ...fields });
    const deadLetters = deadLetterQueue(this, 'SiemDeadLetters', 'audit events the SIEM sink did not accept');
    this.auditRule('SiemRule', `Every audit event to the ${siem.kind} SIEM sink`).addTarget(
      new ApiDestinationTarget(destination, { event, retryAttempts: 185, maxEventAge: Duration.hours(24), deadLetterQueue: deadLetters }),
    );
  }
}
