import { sharedRuntime } from './shared-runtime.ts';
import { tables } from '../../infra/tables.ts';

interface RuntimeAddresses {
  readonly url: string;
  readonly sesUrl: string;
  readonly dynamodbEndpoint: string;
  readonly dataDir: string;
}

/** Points this process's adapters at a runtime's stand-ins, as its functions are. */
export function useRuntimeEnvironment(runtime: RuntimeAddresses): void {
  Object.assign(process.env, {
    // What the test helpers (signup, mailbox) read.
    TEST_RUNTIME_URL: runtime.url,
    TEST_SES_URL: runtime.sesUrl,
    TEST_DYNAMODB_ENDPOINT: runtime.dynamodbEndpoint,
    TEST_DATA_DIR: runtime.dataDir,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_ENDPOINT: runtime.dynamodbEndpoint,
    SES_ENDPOINT: runtime.sesUrl,
    LOCAL_KEYSTORE_FILE: `${runtime.dataDir}/keystore.json`,
    PUBLIC_URL: runtime.url,
    // As the runtime's functions: tenants' SIEM sinks are listeners on 127.0.0.1 here.
    OUTBOUND_ALLOW_LOOPBACK: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...Object.fromEntries(tables.map((t) => [t.environmentVariable, t.id])),
  });
}

/** The same for the runtime the test run shares. */
export const useSharedRuntimeEnvironment = (): void => useRuntimeEnvironment(sharedRuntime);
