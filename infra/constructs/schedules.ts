import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { wildcardUnder } from './nag-findings.ts';

export interface SchedulesProps {
  readonly stage: string;
  readonly keysFunction: IFunction;
  /** Seals the audit trail's closed hours into signed digests, hourly. */
  readonly auditFunction: IFunction;
  /** An EventBridge Scheduler `rate(...)` or `cron(...)` expression (validated in infra/config.ts). */
  readonly rotationSchedule: string;
}

/** EventBridge Scheduler ─▶ keys Lambda: signing keys move next → active → retired → removed. */
export class Schedules extends Construct {
  readonly keyRotation: Schedule;
  readonly digestSealing: Schedule;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const deadLetters = deadLetterQueue(this, 'DeadLetters', 'key-rotation invocations the scheduler could not deliver');

    const stack = Stack.of(this);
    const role = new Role(this, 'InvokeRole', {
      description: 'Lets EventBridge Scheduler invoke the keys function',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
    });
    for (const fn of [props.keysFunction, props.auditFunction]) {
      Validations.of(role).acknowledge({
        id: wildcardUnder(fn, ':*'),
        reason: "CDK's grantInvoke also names the function's qualified ARNs (<function ARN>:*, its versions and aliases); the wildcard spans only this function",
      });
    }

    this.keyRotation = new Schedule(this, 'KeyRotation', {
      description: `Identity platform ${props.stage}: rotate every tenant's signing keys`,
      schedule: ScheduleExpression.expression(props.rotationSchedule),
      target: new LambdaInvoke(props.keysFunction, {
        role,
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: deadLetters,
      }),
    });

    this.digestSealing = new Schedule(this, 'DigestSealing', {
      description: `Identity platform ${props.stage}: seal each tenant's closed audit hours into signed digests`,
      schedule: ScheduleExpression.rate(Duration.hours(1)),
      target: new LambdaInvoke(props.auditFunction, { role, retryAttempts: 3, maxEventAge: Duration.hours(1), deadLetterQueue: deadLetters }),
    });
  }
}
