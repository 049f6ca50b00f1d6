import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { tables, type TableDefinition } from '../tables.ts';

export type TableId = TableDefinition['id'];
export type AuditAccess = 'append' | 'appendAndRead';

/** The four tables of ARCHITECTURE §5, one `TableV2` per definition in infra/tables.ts. */
export class DataTables extends Construct {
  readonly byId: Readonly<Record<TableId, TableV2>>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const built = new Map<TableId, TableV2>();
    for (const definition of tables) built.set(definition.id, this.table(definition));
    const get = (tableId: TableId): TableV2 => {
      const table = built.get(tableId);
      if (!table) throw new Error(`infra/tables.ts defines no ${tableId} table`);
      return table;
    };
    this.byId = { Directory: get('Directory'), Sessions: get('Sessions'), SessionIndex: get('SessionIndex'), Audit: get('Audit') };
  }

  definition(tableId: TableId): TableDefinition {
    const definition = tables.find((candidate) => candidate.id === tableId);
    if (!definition) throw new Error(`infra/tables.ts defines no ${tableId} table`);
    return definition;
  }

  /** Every table with its definition (and so the environment variable its name goes in). */
  entries(): ReadonlyArray<{ definition: TableDefinition; table: TableV2 }> {
    return tables.map((definition) => ({ definition, table: this.byId[definition.id] }));
  }

  /** Audit is an append-only log: PutItem, never update or delete; `appendAndRead` adds queries. */
  grantAudit(grantee: IGrantable, access: AuditAccess): Grant {
    const audit = this.byId.Audit;
    const append = Grant.addToPrincipal({ grantee, actions: ['dynamodb:PutItem'], resourceArns: [audit.tableArn] });
    if (access === 'append') return append;
    return append.combine(
      Grant.addToPrincipal({ grantee, actions: ['dynamodb:Query'], resourceArns: [audit.tableArn, `${audit.tableArn}/index/*`] }),
    );
  }

  private table(definition: TableDefinition): TableV2 {
    const table = new TableV2(this, definition.id, {
      partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: definition.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      globalSecondaryIndexes: definition.globalIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      })),
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
      ...(definition.stream === 'NEW_IMAGE' ? { dynamoStream: StreamViewType.NEW_IMAGE } : {}),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: definition.pointInTimeRecovery },
      deletionProtection: definition.deletionProtection,
      // Secrets inside items are already sealed with the keystore CMK (ARCHITECTURE §6); the
      // AWS-managed key adds at-rest encryption without KMS grants on every function and the pipe.
      encryption: TableEncryptionV2.awsManagedKey(),
      removalPolicy: definition.id === 'Directory' || definition.id === 'Audit' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    if (!definition.pointInTimeRecovery) {
      Validations.of(table).acknowledge({
        id: 'AwsSolutions-DDB3',
        reason: `${definition.id} holds only short-lived items that expire by TTL (sessions, codes, challenges); restoring them from a backup would revive revoked state`,
      });
    }
    return table;
  }
}
