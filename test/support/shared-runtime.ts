function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run integration tests through npm test (its global setup starts the runtime)`);
  return value;
}

/** The runtime the global setup started for this test run. */
export const sharedRuntime = {
  get url() { return required('TEST_RUNTIME_URL'); },
  get sesUrl() { return required('TEST_SES_URL'); },
  get dynamodbEndpoint() { return required('TEST_DYNAMODB_ENDPOINT'); },
  get dataDir() { return required('TEST_DATA_DIR'); },
};
