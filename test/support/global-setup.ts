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

export async function globalTeardown() {
  await runtime?.stop();
}
