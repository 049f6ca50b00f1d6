import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startProcess, waitUntil, type ManagedProcess } from './child-process.ts';

/** What GetAccount answers: a sending-enabled account in production, as a deployed stage has. */
const account = {
  DedicatedIpAutoWarmupEnabled: false,
  Details: {
    AdditionalContactEmailAddresses: [],
    ContactLanguage: 'EN',
    MailType: 'TRANSACTIONAL',
    ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
    UseCaseDescription: 'Local development of the identity platform',
    WebsiteURL: 'http://localhost',
  },
  EnforcementStatus: 'HEALTHY',
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 0 },
  SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
};

/** The SES stand-in (aws-ses-v2-local): SES v1/v2 API, a mail viewer at /, the store at /store. */
export async function startSesLocal(port: number, dataDir: string): Promise<ManagedProcess & { endpoint: string }> {
  const cli = join(dirname(createRequire(import.meta.url).resolve('aws-ses-v2-local/package.json')), 'dist', 'cli.js');
  const proc = startProcess('SES stand-in', process.execPath, [cli, '--host', '127.0.0.1', '--port', String(port)], {
    logFile: join(dataDir, 'ses.log'),
    env: { AWS_SES_ACCOUNT: JSON.stringify(account) },
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntil('SES stand-in', async () => (await fetch(`${endpoint}/health-check`)).ok, 30_000, () => proc.child.exitCode === null);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { name: proc.name, stop: proc.stop, endpoint };
}
