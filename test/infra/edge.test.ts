import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { certificateIn, functionLogicalId, synthesize } from './synth.ts';

const withDomain = synthesize({ edge: true, domainName: 'id.example.org', certificateArn: certificateIn('us-east-1') });
const withoutDomain = synthesize({ edge: 'true' });
const firewall = withDomain.firewallTemplate as Template;

test('without edge there is no CloudFront and no firewall stack', () => {
  const plain = synthesize();
  plain.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
  assert.equal(plain.firewall, undefined);
});

test('the WAF web ACL lives in its own us-east-1 stack with scope CLOUDFRONT', () => {
  assert.equal(withDomain.firewall?.region, 'us-east-1');
  assert.equal(withDomain.platform.region, 'eu-west-1');
  firewall.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
});

const rateRule = (name: string, pathMatches: string[], pathMisses: string[]) => {
  const [acl] = Object.values(firewall.findResources('AWS::WAFv2::WebACL'));
  const rule = acl!['Properties'].Rules.find((candidate: { Name: string }) => candidate.Name === name);
  assert.ok(rule, name);
  assert.deepEqual(rule.Action, { Block: {} });
  const statement = rule.Statement.RateBasedStatement;
  assert.equal(statement.AggregateKeyType, 'IP');
  assert.ok(statement.Limit >= 10);
  const scope = statement.ScopeDownStatement.RegexMatchStatement;
  assert.deepEqual(scope.FieldToMatch, { UriPath: {} });
  const pattern = new RegExp(scope.RegexString);
  for (const path of pathMatches) assert.ok(pattern.test(path), `${name} covers ${path}`);
  for (const path of pathMisses) assert.ok(!pattern.test(path), `${name} leaves ${path} alone`);
};

test('a per-IP rate rule guards the hosted login pages (/t/*/login)', () => {
  rateRule('login-rate', ['/t/acme/login', '/t/acme/login/password', '/t/acme/login/'], ['/t/acme/oauth2/token', '/t/acme/loginx', '/t/acme/account/login']);
});

test('a per-IP rate rule guards the token endpoint (/t/*/oauth2/token)', () => {
  rateRule('token-rate', ['/t/acme/oauth2/token'], ['/t/acme/oauth2/tokens', '/t/acme/oauth2/authorize', '/oauth2/token']);
});

test('the AWS common rule set runs after the rate rules', () => {
  firewall.hasResourceProperties('AWS::WAFv2::WebACL', {
    Rules: Match.arrayWith([
      Match.objectLike({
        Priority: 2,
        OverrideAction: { None: {} },
        Statement: { ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' }) },
      }),
    ]),
  });
});

test('CloudFront: TLSv1.2_2021 with the us-east-1 certificate, HTTPS only, nothing cached, WAF and access logs on', () => {
  withDomain.template.hasResourceProperties('AWS::CloudFront::Distribution', {
    DistributionConfig: Match.objectLike({
      Aliases: ['id.example.org'],
      ViewerCertificate: { AcmCertificateArn: certificateIn('us-east-1'), MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      DefaultCacheBehavior: Match.objectLike({
        ViewerProtocolPolicy: 'https-only',
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
        AllowedMethods: Match.arrayWith(['POST', 'DELETE']),
      }),
      Origins: [Match.objectLike({ CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] } })],
      WebACLId: Match.anyValue(),
      Logging: Match.objectLike({ Bucket: Match.anyValue() }),
    }),
  });
});

test('the access-log bucket is private, encrypted and TLS-only', () => {
  withDomain.template.hasResourceProperties('AWS::S3::Bucket', {
    BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
  });
  withDomain.template.hasResourceProperties('AWS::S3::BucketPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
  });
});

test('with edge, the custom domain is on CloudFront, not on API Gateway, and is the public URL', () => {
  withDomain.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
  const signup = withDomain.template.toJSON()['Resources'][functionLogicalId(withDomain.template, 'signup')];
  assert.equal(signup.Properties.Environment.Variables.PUBLIC_URL, 'https://id.example.org');
});

test('with edge and no custom domain the public URL is the distribution domain', () => {
  const distribution = Object.keys(withoutDomain.template.findResources('AWS::CloudFront::Distribution'))[0]!;
  const signup = withoutDomain.template.toJSON()['Resources'][functionLogicalId(withoutDomain.template, 'signup')];
  assert.deepEqual(signup.Properties.Environment.Variables.PUBLIC_URL, { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }]] });
});
