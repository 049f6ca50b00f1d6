export interface TableNames {
  readonly directory: string;
  readonly sessions: string;
  readonly sessionIndex: string;
  readonly audit: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Table names come from the environment, under the variables named in infra/tables.ts. */
export function tableNamesFromEnvironment(): TableNames {
  return {
    directory: required('DIRECTORY_TABLE'),
    sessions: required('SESSIONS_TABLE'),
    sessionIndex: required('SESSION_INDEX_TABLE'),
    audit: required('AUDIT_TABLE'),
  };
}
