import { Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { Sender } from '../config.ts';

export interface EmailProps {
  /** Absent: no identity is created and mail stays off (see infra/config.ts). */
  readonly sender?: Sender;
  readonly mailFrom: string;
}

/** SES: the verified sender for verification, recovery and OTP mail. */
export class Email extends Construct {
  readonly mailFrom: string;
  readonly identity?: EmailIdentity;
  private readonly identityArn: string;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.mailFrom = props.mailFrom;
    if (props.sender) {
      this.identity = new EmailIdentity(this, 'Identity', {
        identity: props.sender.identityKind === 'address' ? Identity.email(props.sender.identity) : Identity.domain(props.sender.identity),
      });
      this.identityArn = this.identity.emailIdentityArn;
    } else {
      this.identityArn = Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: props.mailFrom });
    }
  }

  /** SendEmail from this identity only; GetAccount lets the mailer's health check see the sending quota. */
  grantSend(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({ grantee, actions: ['ses:SendEmail'], resourceArns: [this.identityArn] }).combine(
      Grant.addToPrincipal({ grantee, actions: ['ses:GetAccount'], resourceArns: ['*'] }),
    );
  }
}
