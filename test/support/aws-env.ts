import { sharedRuntime } from './shared-runtime.ts';
import { tables } from '../../infra/tables.ts';

/** Points this test process's adapters at the shared runtime's stand-ins, as its functions are. */
export function useSharedRuntimeEnvironment(): void {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_ENDPOINT: sharedRuntime.dynamodbEndpoint,
    SES_ENDPOINT: sharedRuntime.sesUrl,
    LOCAL_KEYSTORE_FILE: `${sharedRuntime.dataDir}/keystore.json`,
    PUBLIC_URL: sharedRuntime.url,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...Object.fromEntries(tables.map((t) => [t.environmentVariable, t.id])),
  });
}
