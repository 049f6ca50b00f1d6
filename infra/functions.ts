/**
 * The catalogue of Lambda functions: where each one's code is, which routes it
 * serves and what it may touch. The CDK API construct turns each entry into a
 * NodejsFunction with exactly these grants; the local runtime serves the same routes.
 */
import { routes as adminRoutes } from '../functions/admin/routes.ts';
import { routes as loginRoutes } from '../functions/login/routes.ts';
import { routes as oidcRoutes } from '../functions/oidc/routes.ts';
import { routes as samlRoutes } from '../functions/saml/routes.ts';
import { routes as scimRoutes } from '../functions/scim/routes.ts';
import { routes as signupRoutes } from '../functions/signup/routes.ts';

export type TableAccess = 'read' | 'readWrite';

export interface FunctionGrants {
  readonly directory?: TableAccess;
  readonly sessions?: TableAccess;
  readonly sessionIndex?: TableAccess;
  /** Audit events are appended; `read` adds queries for the admin API. */
  readonly audit?: 'append' | 'appendAndRead';
  /** `open` = decrypt only; `sealAndOpen` = generate data keys and decrypt. */
  readonly keystore?: 'open' | 'sealAndOpen';
  readonly mail?: boolean;
}

export interface FunctionDefinition {
  readonly name: string;
  readonly description: string;
  readonly entry: string;
  readonly routes: readonly string[];
  readonly grants: FunctionGrants;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  /** Packages installed beside the bundle instead of bundled (e.g. loaded lazily with top-level await inside). */
  readonly nodeModules?: readonly string[];
  /** Directories (relative to the repository) copied beside the bundle under another name. */
  readonly copiedFiles?: readonly { readonly from: string; readonly to: string }[];
}

/** The SAML XSDs the schema validator reads beside its bundle. */
const samlSchemas = { from: 'node_modules/@authenio/samlify-xmllint-wasm/build/schemas', to: 'saml-schemas' } as const;

export const httpFunctions: readonly FunctionDefinition[] = [
  {
    name: 'signup',
    description: 'Tenant signup console and API, platform health',
    entry: 'functions/signup/handler.ts',
    routes: signupRoutes,
    grants: { directory: 'readWrite', sessions: 'readWrite', sessionIndex: 'read', audit: 'append', keystore: 'sealAndOpen', mail: true },
    memorySize: 1024,
    timeoutSeconds: 10,
  },
  {
    name: 'login',
    description: 'Hosted login pages of every tenant',
    entry: 'functions/login/handler.ts',
    routes: loginRoutes,
    // sessionIndex: ending sessions reads and removes their participants; audit read: the account export
    // and erasure (its events rewritten under a pseudonym).
    grants: { directory: 'readWrite', sessions: 'readWrite', sessionIndex: 'readWrite', audit: 'appendAndRead', keystore: 'sealAndOpen', mail: true },
    memorySize: 1024,
    // An account erasure searches every table of the tenant.
    timeoutSeconds: 29,
    // Loaded at first use, not at every cold start: the passkey library (and its ASN.1 parsers) at the first
    // ceremony; samlify, libxml2 (with the SAML schemas beside the bundle) at the first upstream SAML sign-in;
    // the RE2 engine for the first claim mapping with a pattern.
    nodeModules: ['@simplewebauthn/server', 'samlify', 'libxml2-wasm', 're2js'],
    copiedFiles: [samlSchemas],
  },
  {
    name: 'oidc',
    description: 'OpenID Connect and OAuth 2 endpoints of every tenant',
    entry: 'functions/oidc/handler.ts',
    routes: oidcRoutes,
    grants: { directory: 'readWrite', sessions: 'readWrite', sessionIndex: 'readWrite', audit: 'append', keystore: 'open' },
    memorySize: 1024,
    timeoutSeconds: 10,
  },
  {
    name: 'saml',
    description: 'SAML 2.0 identity provider endpoints of every tenant',
    entry: 'functions/saml/handler.ts',
    routes: samlRoutes,
    // sealAndOpen: the pairwise-NameID key is a platform secret, created by whoever needs it first.
    grants: { directory: 'readWrite', sessions: 'readWrite', sessionIndex: 'readWrite', audit: 'append', keystore: 'sealAndOpen' },
    memorySize: 1024,
    timeoutSeconds: 10,
    // The schema validator reads the SAML XSD files from `saml-schemas` beside its bundle, and imports
    // libxml2 on the first message (esbuild cannot defer a bundled module that uses top-level await).
    nodeModules: ['libxml2-wasm'],
    copiedFiles: [samlSchemas],
  },
  {
    name: 'admin',
    description: 'Admin REST API of every tenant',
    entry: 'functions/admin/handler.ts',
    routes: adminRoutes,
    grants: { directory: 'readWrite', sessions: 'readWrite', sessionIndex: 'readWrite', audit: 'appendAndRead', keystore: 'sealAndOpen', mail: true },
    memorySize: 1024,
    // API Gateway's own limit: user imports use all of it.
    timeoutSeconds: 29,
  },
  {
    name: 'scim',
    description: 'SCIM 2.0 provisioning of every tenant',
    entry: 'functions/scim/handler.ts',
    routes: scimRoutes,
    grants: { directory: 'readWrite', sessions: 'readWrite', sessionIndex: 'readWrite', audit: 'append', keystore: 'open' },
    memorySize: 1024,
    timeoutSeconds: 29,
  },
];

/** Functions no route reaches: the keys function runs on the scheduler. */
/** The audit function: each audit event to its tenant's SIEM sinks (bus rule ─▶ SQS ─▶ it), and hourly signed digests. */
export const auditFunction: FunctionDefinition = {
  name: 'audit',
  description: 'Delivers audit events to the SIEM sinks of each tenant and seals hourly audit digests',
  entry: 'functions/audit/handler.ts',
  routes: [],
  // sessions: the per-sink delivery markers; keystore: opening the sinks' credentials and the signing keys;
  // audit: reading events and writing digests beside them.
  grants: { directory: 'read', sessions: 'readWrite', audit: 'appendAndRead', keystore: 'open' },
  memorySize: 512,
  timeoutSeconds: 60,
};

export const keysFunction: FunctionDefinition = {
  name: 'keys',
  description: 'Signing-key rotation for every tenant',
  entry: 'functions/keys/handler.ts',
  routes: [],
  grants: { directory: 'readWrite', audit: 'append', keystore: 'sealAndOpen' },
  memorySize: 1024,
  timeoutSeconds: 300,
};
