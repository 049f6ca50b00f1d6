import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { placeholderMailFrom } from '../../infra/config.ts';
import { auditFunction, httpFunctions, keysFunction } from '../../infra/functions.ts';
import { actionsOf, functionLogicalId, statementsOf, synthesize } from './synth.ts';

const withSender = synthesize({ senderEmail: 'no-reply@id.example.org' });
const withSenderDomain = synthesize({ senderEmail: 'id.example.org' });
const withoutSender = synthesize();

const mailFromOf = (template: typeof withSender.template, name: string): unknown =>
  template.toJSON()['Resources'][functionLogicalId(template, name)].Properties.Environment.Variables.MAIL_FROM;

test('an SES identity is created for the sender address', () => {
  withSender.template.resourceCountIs('AWS::SES::EmailIdentity', 1);
  withSender.template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'no-reply@id.example.org' });
  assert.equal(mailFromOf(withSender.template, 'signup'), 'no-reply@id.example.org');
});

test('a sender domain is verified as a domain identity with Easy DKIM', () => {
  withSenderDomain.template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'id.example.org' });
  assert.equal(mailFromOf(withSenderDomain.template, 'signup'), 'no-reply@id.example.org');
});

test('without senderEmail no identity exists, MAIL_FROM is the placeholder and synth warns', () => {
  withoutSender.template.resourceCountIs('AWS::SES::EmailIdentity', 0);
  assert.equal(mailFromOf(withoutSender.template, 'signup'), placeholderMailFrom);
  Annotations.fromStack(withoutSender.platform).hasWarning('*', Match.stringLikeRegexp('senderEmail is not set'));
});

test('SendEmail is scoped to the sender identity; GetAccount has no resource to scope to', () => {
  const identity = Object.keys(withSender.template.findResources('AWS::SES::EmailIdentity'))[0]!;
  const ses = statementsOf(withSender.template, 'signup').filter((statement) => statement.actions.some((action) => action.startsWith('ses:')));
  const sendEmail = ses.filter((statement) => statement.actions.includes('ses:SendEmail'));
  assert.equal(sendEmail.length, 1);
  assert.deepEqual(sendEmail[0]!.actions, ['ses:SendEmail']);
  assert.match(JSON.stringify(sendEmail[0]!.resources), new RegExp(`identity/.*${identity}`));
  assert.deepEqual(actionsOf(ses).filter((action) => action.startsWith('ses:')), ['ses:GetAccount', 'ses:SendEmail']);
  const getAccount = ses.filter((statement) => statement.actions.includes('ses:GetAccount'));
  assert.deepEqual(getAccount.flatMap((statement) => statement.resources), ['*']);
});

for (const definition of [...httpFunctions, keysFunction, auditFunction].filter((fn) => !fn.grants.mail)) {
  test(`${definition.name} has no mail grant, so its role has no ses permission`, () => {
    assert.deepEqual(actionsOf(statementsOf(withSender.template, definition.name)).filter((action) => action.startsWith('ses:')), []);
  });
}
