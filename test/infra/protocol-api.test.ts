import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { auditFunction, httpFunctions, keysFunction } from '../../infra/functions.ts';
import { routeTable } from '../../infra/routes.ts';
import { tables } from '../../infra/tables.ts';
import { actionsOf, certificateIn, functionLogicalId, logicalIdAt, region, statementsOf, synthesize } from './synth.ts';

const { template } = synthesize({ logRetentionDays: 30 });
const withDomain = synthesize({ domainName: 'id.example.org', certificateArn: certificateIn(region) });
const resources = template.toJSON()['Resources'];
const api = logicalIdAt(template, 'identity-dev/Api/HttpApi/Resource');
const allFunctions = [...httpFunctions, keysFunction, auditFunction];
const environmentOf = (name: string): Record<string, unknown> => resources[functionLogicalId(template, name)].Properties.Environment.Variables;

test('one function per catalogue entry, plus nothing else that runs code', () => {
  template.resourceCountIs('AWS::Lambda::Function', allFunctions.length);
});

for (const definition of allFunctions) {
  test(`${definition.name}: Node.js 24 on arm64, traced, sized as the catalogue says, logging to its own log group`, () => {
    const properties = resources[functionLogicalId(template, definition.name)].Properties;
    assert.equal(properties.Runtime, 'nodejs24.x');
    assert.deepEqual(properties.Architectures, ['arm64']);
    assert.deepEqual(properties.TracingConfig, { Mode: 'Active' });
    assert.equal(properties.MemorySize, definition.memorySize);
    assert.equal(properties.Timeout, definition.timeoutSeconds);
    assert.equal(properties.Handler, 'index.handler');
    const logGroup = properties.LoggingConfig.LogGroup.Ref as string;
    assert.equal(resources[logGroup].Type, 'AWS::Logs::LogGroup');
    assert.equal(resources[logGroup].Properties.RetentionInDays, 30);
  });

  test(`${definition.name}: environment names every table, the keystore, mail, URL and Powertools settings`, () => {
    const environment = environmentOf(definition.name);
    for (const table of tables) {
      assert.deepEqual(environment[table.environmentVariable], { Ref: logicalIdAt(template, `identity-dev/Data/${table.id}/Resource`) }, table.id);
    }
    assert.deepEqual(environment['KEYSTORE_KEY_ARN'], { 'Fn::GetAtt': [logicalIdAt(template, 'identity-dev/Keystore/Key/Resource'), 'Arn'] });
    assert.equal(typeof environment['MAIL_FROM'], 'string');
    assert.equal(environment['STAGE'], 'dev');
    assert.equal(environment['AUDIT_RETENTION_DAYS'], '30');
    assert.equal(environment['POWERTOOLS_SERVICE_NAME'], definition.name);
    assert.equal(environment['POWERTOOLS_METRICS_NAMESPACE'], 'IdentityPlatform');
    assert.equal(environment['POWERTOOLS_LOG_LEVEL'], 'INFO');
    assert.equal(environment['NODE_OPTIONS'], '--enable-source-maps');
    assert.deepEqual(environment['PUBLIC_URL'], { 'Fn::GetAtt': [api, 'ApiEndpoint'] });
  });

  test(`${definition.name}: its role has no managed policy and writes only to its own log group`, () => {
    const role = resources[functionLogicalId(template, definition.name)].Properties.Role['Fn::GetAtt'][0];
    assert.equal(resources[role].Properties.ManagedPolicyArns, undefined);
    const logStatements = statementsOf(template, definition.name).filter((statement) => statement.actions.some((action) => action.startsWith('logs:')));
    assert.deepEqual(actionsOf(logStatements), ['logs:CreateLogStream', 'logs:PutLogEvents']);
    const logGroup = resources[functionLogicalId(template, definition.name)].Properties.LoggingConfig.LogGroup.Ref;
    assert.deepEqual(logStatements.flatMap((statement) => statement.resources), [{ 'Fn::GetAtt': [logGroup, 'Arn'] }]);
  });
}

const tableGrants = { directory: 'Directory', sessions: 'Sessions', sessionIndex: 'SessionIndex' } as const;
const writeActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

for (const definition of allFunctions) {
  test(`${definition.name}: table access is exactly what the catalogue grants`, () => {
    const statements = statementsOf(template, definition.name);
    const actionsOn = (tableId: string) => {
      const table = logicalIdAt(template, `identity-dev/Data/${tableId}/Resource`);
      return actionsOf(statements.filter((statement) => statement.resources.some((resource) => JSON.stringify(resource).includes(`"${table}"`))));
    };
    for (const [grant, tableId] of Object.entries(tableGrants) as [keyof typeof tableGrants, string][]) {
      const actions = actionsOn(tableId);
      const access = definition.grants[grant];
      if (access === undefined) assert.deepEqual(actions, [], `${tableId}: no access`);
      if (access === 'read') {
        assert.ok(actions.includes('dynamodb:Query') && actions.includes('dynamodb:GetItem'), `${tableId}: reads`);
        assert.deepEqual(actions.filter((action) => writeActions.includes(action)), [], `${tableId}: no writes`);
      }
      if (access === 'readWrite') assert.ok(writeActions.every((action) => actions.includes(action)), `${tableId}: reads and writes`);
    }
    const audit = { undefined: [], append: ['dynamodb:PutItem'], appendAndRead: ['dynamodb:PutItem', 'dynamodb:Query'] }[String(definition.grants.audit)];
    assert.deepEqual(actionsOn('Audit'), audit, 'Audit: append-only');
  });
}

test('no statement grants a wildcard action or DynamoDB on every table', () => {
  for (const definition of allFunctions) {
    for (const statement of statementsOf(template, definition.name)) {
      assert.ok(statement.actions.every((action) => !action.endsWith('*')), `${definition.name}: ${statement.actions.join(',')}`);
      if (statement.actions.some((action) => action.startsWith('dynamodb:'))) assert.ok(!statement.resources.includes('*'), definition.name);
    }
  }
});

test('one HTTP API route per entry of the route table, each integrated with the function that serves it', () => {
  template.resourceCountIs('AWS::ApiGatewayV2::Route', routeTable.length);
  for (const route of routeTable) {
    const found = Object.values(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: route.routeKey, ApiId: { Ref: api } } }));
    assert.equal(found.length, 1, route.routeKey);
    const integration = found[0]!['Properties'].Target['Fn::Join'][1][1].Ref as string;
    assert.deepEqual(resources[integration].Properties.IntegrationUri, { 'Fn::GetAtt': [functionLogicalId(template, route.functionName), 'Arn'] });
    assert.equal(resources[integration].Properties.PayloadFormatVersion, '2.0');
  }
});

test('the default stage auto-deploys, throttles and writes JSON access logs to its own log group', () => {
  const accessLogs = logicalIdAt(template, 'identity-dev/Api/AccessLogs/Resource');
  template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
    ApiId: { Ref: api },
    StageName: '$default',
    AutoDeploy: true,
    DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [accessLogs, 'Arn'] }, Format: Match.anyValue() },
  });
  const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
  const format = JSON.parse(stage['Properties'].AccessLogSettings.Format);
  for (const field of ['requestId', 'ip', 'method', 'routeKey', 'status', 'latency', 'userAgent']) assert.ok(field in format, field);
  assert.equal(format.requestId, '$context.requestId');
  assert.equal(format.ip, '$context.identity.sourceIp');
  assert.equal(resources[accessLogs].Properties.RetentionInDays, 30);
});

test('without a custom domain the execute-api endpoint serves and is the public URL', () => {
  template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
  template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', DisableExecuteApiEndpoint: false });
});

test('a custom domain gets a TLS 1.2 policy and the mapping, and the execute-api endpoint is disabled', () => {
  withDomain.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
    DomainName: 'id.example.org',
    DomainNameConfigurations: [Match.objectLike({ CertificateArn: certificateIn(region), SecurityPolicy: 'TLS_1_2', EndpointType: 'REGIONAL' })],
  });
  withDomain.template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
  withDomain.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
  const signup = withDomain.template.toJSON()['Resources'][functionLogicalId(withDomain.template, 'signup')];
  assert.equal(signup.Properties.Environment.Variables.PUBLIC_URL, 'https://id.example.org');
});

test('API Gateway may invoke each HTTP function through one permission for the whole API (per-route permissions would overflow the policy and the stack), and the stack stays well under 500 resources', () => {
  const permissions = Object.values(template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'apigateway.amazonaws.com' } }));
  assert.equal(permissions.length, httpFunctions.length);
  for (const permission of permissions) assert.match(JSON.stringify(permission['Properties'].SourceArn), /\/\*\/\*"\]\]\}$/, 'any stage and route of this API');
  assert.ok(Object.keys(resources).length < 400, `${Object.keys(resources).length} resources`);
});
