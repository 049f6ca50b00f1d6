import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export type KeystoreAccess = 'open' | 'sealAndOpen';

export interface KeystoreProps {
  readonly stage: string;
}

const actions: Readonly<Record<KeystoreAccess, readonly string[]>> = {
  open: ['kms:Decrypt'],
  sealAndOpen: ['kms:GenerateDataKey', 'kms:Decrypt'],
};

/**
 * The internal keystore of ARCHITECTURE §6: one symmetric KMS key for envelope encryption.
 * The key policy keeps CDK's default (the account administers the key through IAM);
 * functions get only the calls their catalogue entry names, and only with an encryption
 * context that names a tenant and a purpose.
 */
export class Keystore extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: KeystoreProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `Identity platform ${props.stage} keystore: envelope encryption of signing keys and stored secrets`,
      alias: `alias/${props.stage}/identity-keystore`,
      keySpec: KeySpec.SYMMETRIC_DEFAULT,
      keyUsage: KeyUsage.ENCRYPT_DECRYPT,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
  }

  grant(grantee: IGrantable, access: KeystoreAccess): Grant {
    // The health check asks whether the key is enabled; DescribeKey takes no encryption context.
    Grant.addToPrincipal({ grantee, actions: ['kms:DescribeKey'], resourceArns: [this.key.keyArn] });
    return Grant.addToPrincipal({
      grantee,
      actions: [...actions[access]],
      resourceArns: [this.key.keyArn],
      // Null=false: the call must carry both encryption-context keys the app always sends.
      conditions: { Null: { 'kms:EncryptionContext:tenant': 'false', 'kms:EncryptionContext:purpose': 'false' } },
    });
  }
}
