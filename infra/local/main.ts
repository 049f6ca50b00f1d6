import { routeTable } from '../routes.ts';
import { localConfigFromEnvironment } from './config.ts';
import { startLocalRuntime } from './runtime.ts';

const startedAt = performance.now();

// Signals are caught from the first moment: one that arrives while the stand-ins are still
// starting waits for them, then stops them, so no DynamoDB Local or SES process is left behind.
let stopRequested: string | undefined;
let stop: (signal: string) => Promise<void> = async (signal) => {
  stopRequested ??= signal;
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const config = (() => {
  try {
    return localConfigFromEnvironment();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
})();
const runtime = await startLocalRuntime(config).catch((error: unknown) => {
  console.error('The local runtime could not start:', error instanceof Error ? error.message : error);
  if (error instanceof Error && error.cause) console.error('  cause:', error.cause);
  process.exit(1);
});

const hasRoute = (key: string) => routeTable.some((r) => r.routeKey === key);
const lines: Array<[string, string | undefined]> = [
  ['Health', runtime.urls.health],
  ['Signup console', hasRoute('GET /signup') ? `${config.publicUrl}/signup` : undefined],
  ['Mail viewer', runtime.urls.mailViewer],
  ['DynamoDB Local', runtime.urls.dynamodb],
  ['Data directory', runtime.dataDir],
  ['DynamoDB data', config.dynamodbStorage === 'memory' ? 'in memory only (DYNAMODB_STORAGE=memory): gone at stop' : undefined],
  ['Audit log', `${runtime.dataDir}/audit.log`],
  ['SIEM sink', config.siemUrl],
];
console.log(`\nIdentity platform, running locally at ${config.publicUrl}\n`);
for (const [label, value] of lines) if (value) console.log(`  ${label.padEnd(16)} ${value}`);
console.log(`\nReady in ${Math.round(performance.now() - startedAt)} ms. Press Ctrl-C to stop.`);

let stopping = false;
stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await runtime.stop();
  console.log(config.dynamodbStorage === 'memory' ? 'Stopped. DynamoDB data was in memory and is gone.' : `Stopped. Data kept in ${runtime.dataDir}`);
  process.exit(0);
};
if (stopRequested) await stop(stopRequested);
