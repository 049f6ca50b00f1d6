import { scanAuditTrail } from './audit-scan.ts';
import { startRuntime, type RuntimeProcess } from './runtime.ts';

let runtime: RuntimeProcess | undefined;

/** One local runtime for the whole test run; test files find it through these variables. */
export async function globalSetup() {
  runtime = await startRuntime();
  Object.assign(process.env, {
    TEST_RUNTIME_URL: runtime.url,
    TEST_SES_URL: runtime.sesUrl,
    TEST_DYNAMODB_ENDPOINT: runtime.dynamodbEndpoint,
    TEST_DATA_DIR: runtime.dataDir,
  });
}

/**
 * After the whole run, every audit event it produced is checked against the event catalogue and
 * scanned for secrets (passwords, hashes, keys, tokens), and a full run (npm test) must have
 * emitted every catalogue type through the features that own them; any finding fails the run. The report,
 * with the catalogue types no test emitted, is saved as test-artifacts/audit-scan.json.
 */
export async function globalTeardown() {
  try {
    if (runtime && !process.env.SKIP_AUDIT_SCAN) {
      const scan = await scanAuditTrail(runtime.dynamodbEndpoint);
      const findings = [...scan.problems.map((p) => `catalogue: ${p}`), ...scan.secrets.map((s) => `secret: ${s}`)];
      // The whole suite (npm test) must make every feature emit each event type it owns at least once.
      if (process.env.AUDIT_SCAN_COMPLETE) findings.push(...scan.neverEmitted.map((type) => `catalogue: ${type} is never emitted by any test`));
      console.log(`audit scan: ${scan.events} events, ${Object.keys(scan.types).length} types, ${findings.length} findings${scan.neverEmitted.length ? `; never emitted by any test: ${scan.neverEmitted.join(', ')}` : ''}`);
      if (findings.length > 0) {
        console.error(`audit scan failed:\n  ${findings.slice(0, 50).join('\n  ')}`);
        process.exitCode = 1;
      }
    }
  } finally {
    await runtime?.stop();
  }
}
