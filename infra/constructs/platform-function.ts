import path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionDefinition, TableAccess } from '../functions.ts';
import type { DataTables, TableId } from './data-tables.ts';
import type { Email } from './email.ts';
import type { Keystore } from './keystore.ts';
import { wildcardUnder } from './nag-findings.ts';

const repositoryRoot = path.resolve(import.meta.dirname, '..', '..');

function copying(files: NonNullable<FunctionDefinition['copiedFiles']>): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => files.map(({ from, to }) => `cp -R "${path.join(inputDir, from)}" "${path.join(outputDir, to)}"`),
  };
}

/** What every function may be wired to; its catalogue entry decides what it actually gets. */
export interface FunctionRuntime {
  readonly stage: string;
  readonly tables: DataTables;
  readonly keystore: Keystore;
  readonly email: Email;
  readonly logRetention: RetentionDays;
}

export interface PlatformFunctionProps {
  readonly definition: FunctionDefinition;
  readonly runtime: FunctionRuntime;
}

const catalogueTables = { directory: 'Directory', sessions: 'Sessions', sessionIndex: 'SessionIndex' } as const satisfies Record<string, TableId>;

/**
 * One Lambda function from the catalogue in infra/functions.ts: bundled by esbuild as ESM for
 * Node.js 24 on arm64, traced, logging to its own log group, with exactly the grants its
 * entry names and nothing else (its role carries no managed policy).
 */
export class PlatformFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    super(scope, id);
    const { definition, runtime } = props;

    const logGroup = new LogGroup(this, 'Logs', { retention: runtime.logRetention });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${definition.name} function`,
    });
    logGroup.grantWrite(role);

    this.function = new NodejsFunction(this, 'Function', {
      description: definition.description,
      entry: path.join(repositoryRoot, definition.entry),
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: path.join(repositoryRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: definition.memorySize,
      timeout: Duration.seconds(definition.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      environment: {
        ...Object.fromEntries(runtime.tables.entries().map(({ definition: table, table: resource }) => [table.environmentVariable, resource.tableName])),
        KEYSTORE_KEY_ARN: runtime.keystore.key.keyArn,
        MAIL_FROM: runtime.email.mailFrom,
        STAGE: runtime.stage,
        AUDIT_RETENTION_DAYS: String(runtime.logRetention),
        POWERTOOLS_SERVICE_NAME: definition.name,
        POWERTOOLS_METRICS_NAMESPACE: 'IdentityPlatform',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        // CommonJS dependencies bundled into ESM still call require().
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        ...(definition.nodeModules ? { nodeModules: [...definition.nodeModules] } : {}),
        ...(definition.copiedFiles ? { commandHooks: copying(definition.copiedFiles) } : {}),
      },
    });

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `X-Ray trace upload (xray:PutTraceSegments, xray:PutTelemetryRecords)${definition.grants.mail ? ' and ses:GetAccount' : ''} support no resource-level permissions`,
    });
    for (const table of this.grant(runtime, definition)) {
      Validations.of(role).acknowledge({
        id: wildcardUnder(table, '/index/*'),
        reason: `Reads of the ${table.node.id} table's global secondary indexes are authorised on <table ARN>/index/*: the wildcard spans only that table's indexes`,
      });
    }
  }

  /** Applies the catalogue's grants; returns the tables whose indexes the function may query. */
  private grant(runtime: FunctionRuntime, definition: FunctionDefinition): TableV2[] {
    const { grants } = definition;
    const indexed: TableV2[] = [];
    for (const [grantKey, tableId] of Object.entries(catalogueTables) as [keyof typeof catalogueTables, TableId][]) {
      const access: TableAccess | undefined = grants[grantKey];
      const table = runtime.tables.byId[tableId];
      if (access === 'read') table.grantReadData(this.function);
      if (access === 'readWrite') table.grantReadWriteData(this.function);
      if (access && runtime.tables.definition(tableId).globalIndexes.length > 0) indexed.push(table);
    }
    if (grants.audit) {
      runtime.tables.grantAudit(this.function, grants.audit);
      if (grants.audit === 'appendAndRead') indexed.push(runtime.tables.byId.Audit);
    }
    if (grants.keystore) runtime.keystore.grant(this.function, grants.keystore);
    if (grants.mail) runtime.email.grantSend(this.function);
    return indexed;
  }
}
