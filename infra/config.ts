/**
 * Deployment parameters, read once from CDK context (`cdk.json` or `-c key=value`) and
 * validated before any construct is built, so a typo fails the synth with a clear message.
 *
 * | key | meaning |
 * | --- | --- |
 * | `stage` | deployment name used in resource names and aliases (default `dev`) |
 * | `region`, `account` | target environment (default: the CLI's `CDK_DEFAULT_REGION` / `CDK_DEFAULT_ACCOUNT`); `edge=true` needs a region |
 * | `domainName` + `certificateArn` | custom host name; the ACM certificate must be in us-east-1 when `edge=true` (CloudFront), else in the stack's region (API Gateway) |
 * | `senderEmail` | SES sender: an address (`no-reply@acme.example`) or a domain (`acme.example`, mail goes from `no-reply@` it) |
 * | `siemEndpoint` + `siemKind` + `siemSecretArn` | HTTPS SIEM sink: `splunk-hec` (secret = HEC token) or `webhook` (secret = API key) |
 * | `siemApiKeyHeader` | header carrying the webhook API key (default `x-api-key`) |
 * | `logRetentionDays` | retention of every log group, and of audit items (default 365) |
 * | `edge` | `true` puts CloudFront and a WAF web ACL in front of the API |
 * | `rotationSchedule` | EventBridge Scheduler expression for signing-key rotation (default `rate(1 day)`) |
 *
 * Without `senderEmail` no SES identity is created and functions get the placeholder
 * {@link placeholderMailFrom}: SES refuses to send from it, so mail stays off until it is set.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export type SiemKind = 'splunk-hec' | 'webhook';

export interface CustomDomain {
  readonly domainName: string;
  readonly certificateArn: string;
}

export interface Sender {
  /** What SES verifies: the address itself, or the whole domain. */
  readonly identity: string;
  readonly identityKind: 'address' | 'domain';
}

export interface Siem {
  readonly endpoint: string;
  readonly kind: SiemKind;
  readonly secretArn: string;
  readonly apiKeyHeader: string;
}

export interface PlatformConfig {
  readonly stage: string;
  readonly account?: string;
  readonly region?: string;
  readonly customDomain?: CustomDomain;
  readonly sender?: Sender;
  readonly mailFrom: string;
  readonly siem?: Siem;
  readonly logRetentionDays: RetentionDays;
  readonly edge: boolean;
  readonly rotationSchedule: string;
}

export interface ContextReader {
  tryGetContext(key: string): unknown;
}

export const placeholderMailFrom = 'no-reply@example.com';

const retentionValues = new Set<number>(Object.values(RetentionDays).filter((value) => typeof value === 'number'));
const hostnamePattern = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const emailPattern = /^[A-Za-z0-9._%+-]{1,64}@([a-z0-9.-]+)$/;
const certificateArnPattern = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;
const secretArnPattern = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const schedulePattern = /^(?:rate\(\d+ (?:minute|minutes|hour|hours|day|days)\)|cron\([^()]+\))$/;
const regionPattern = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function readConfig(context: ContextReader, env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const text = (key: string): string | undefined => {
    const value = context.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new ConfigError(`context ${key} must be a string, got ${JSON.stringify(value)}`);
    return value.trim();
  };

  const stage = text('stage') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
    throw new ConfigError(`context stage must be 1-20 lowercase letters, digits or hyphens starting with a letter, got "${stage}"`);
  }

  const region = text('region') ?? env['CDK_DEFAULT_REGION'];
  if (region !== undefined && !regionPattern.test(region)) throw new ConfigError(`context region is not an AWS region: "${region}"`);
  const account = text('account') ?? env['CDK_DEFAULT_ACCOUNT'];
  if (account !== undefined && !/^\d{12}$/.test(account)) throw new ConfigError(`context account must be 12 digits, got "${account}"`);

  const edge = readBoolean(context.tryGetContext('edge'), 'edge');
  if (edge && region === undefined) {
    throw new ConfigError('edge=true needs an explicit region (the WAF web ACL lives in us-east-1 and is referenced across regions): set -c region=... or AWS_REGION');
  }

  return {
    stage,
    ...(account === undefined ? {} : { account }),
    ...(region === undefined ? {} : { region }),
    ...readCustomDomain(text('domainName'), text('certificateArn'), edge, region),
    ...readSender(text('senderEmail')),
    ...readSiem(text('siemEndpoint'), text('siemKind'), text('siemSecretArn'), text('siemApiKeyHeader')),
    logRetentionDays: readRetention(context.tryGetContext('logRetentionDays')),
    edge,
    rotationSchedule: readSchedule(text('rotationSchedule') ?? 'rate(1 day)'),
  };
}

function readBoolean(value: unknown, key: string): boolean {
  if (value === undefined || value === null || value === false || value === 'false' || value === '') return false;
  if (value === true || value === 'true') return true;
  throw new ConfigError(`context ${key} must be true or false, got ${JSON.stringify(value)}`);
}

function readRetention(value: unknown): RetentionDays {
  if (value === undefined || value === null || value === '') return RetentionDays.ONE_YEAR;
  const days = typeof value === 'string' ? Number(value) : value;
  if (typeof days !== 'number' || !retentionValues.has(days)) {
    throw new ConfigError(`context logRetentionDays must be one of CloudWatch's retention periods (${[...retentionValues].sort((a, b) => a - b).join(', ')}), got ${JSON.stringify(value)}`);
  }
  return days as RetentionDays;
}

function readSchedule(expression: string): string {
  if (!schedulePattern.test(expression)) {
    throw new ConfigError(`context rotationSchedule must be an EventBridge Scheduler rate(...) or cron(...) expression, got "${expression}"`);
  }
  return expression;
}

function readCustomDomain(
  domainName: string | undefined,
  certificateArn: string | undefined,
  edge: boolean,
  region: string | undefined,
): { customDomain?: CustomDomain } {
  if (domainName === undefined && certificateArn === undefined) return {};
  if (domainName === undefined || certificateArn === undefined) {
    throw new ConfigError('context domainName and certificateArn go together: set both or neither');
  }
  if (!hostnamePattern.test(domainName)) throw new ConfigError(`context domainName is not a host name: "${domainName}"`);
  const match = certificateArnPattern.exec(certificateArn);
  if (!match) throw new ConfigError(`context certificateArn is not an ACM certificate ARN: "${certificateArn}"`);
  const certificateRegion = match[1];
  if (edge && certificateRegion !== 'us-east-1') {
    throw new ConfigError(`with edge=true the certificate serves CloudFront and must be in us-east-1, got ${certificateRegion}`);
  }
  if (!edge && region !== undefined && certificateRegion !== region) {
    throw new ConfigError(`the API Gateway custom domain needs a certificate in the stack's region ${region}, got ${certificateRegion}`);
  }
  return { customDomain: { domainName, certificateArn } };
}

function readSender(senderEmail: string | undefined): { sender?: Sender; mailFrom: string } {
  if (senderEmail === undefined) return { mailFrom: placeholderMailFrom };
  const address = emailPattern.exec(senderEmail);
  if (address) {
    if (!hostnamePattern.test(address[1]!)) throw new ConfigError(`context senderEmail has an invalid domain: "${senderEmail}"`);
    return { sender: { identity: senderEmail, identityKind: 'address' }, mailFrom: senderEmail };
  }
  if (hostnamePattern.test(senderEmail)) {
    return { sender: { identity: senderEmail, identityKind: 'domain' }, mailFrom: `no-reply@${senderEmail}` };
  }
  throw new ConfigError(`context senderEmail must be an email address or a domain, got "${senderEmail}"`);
}

function readSiem(
  endpoint: string | undefined,
  kind: string | undefined,
  secretArn: string | undefined,
  apiKeyHeader: string | undefined,
): { siem?: Siem } {
  if (endpoint === undefined && kind === undefined && secretArn === undefined) return {};
  if (endpoint === undefined || kind === undefined || secretArn === undefined) {
    throw new ConfigError('context siemEndpoint, siemKind and siemSecretArn go together: set all three or none');
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError(`context siemEndpoint is not a URL: "${endpoint}"`);
  }
  if (url.protocol !== 'https:') throw new ConfigError(`context siemEndpoint must use https (EventBridge API destinations require it), got "${endpoint}"`);
  if (kind !== 'splunk-hec' && kind !== 'webhook') throw new ConfigError(`context siemKind must be splunk-hec or webhook, got "${kind}"`);
  if (!secretArnPattern.test(secretArn)) throw new ConfigError(`context siemSecretArn is not a Secrets Manager secret ARN: "${secretArn}"`);
  const header = apiKeyHeader ?? 'x-api-key';
  if (!/^[A-Za-z0-9-]{1,64}$/.test(header)) throw new ConfigError(`context siemApiKeyHeader is not a header name: "${header}"`);
  return { siem: { endpoint, kind, secretArn, apiKeyHeader: header } };
}
