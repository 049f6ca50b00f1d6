/** The `scimType` values of RFC 7644 §3.12, table 9. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * A SCIM protocol error (RFC 7644 §3.12): an HTTP status and, for most 400s, a `scimType`.
 * Uniqueness conflicts are 409 (§3.3) and sensitive data in a URI is 403 (§7.5.2).
 */
export class ScimError extends Error {
  override name = 'ScimError';
  readonly status: number;
  readonly scimType?: string;

  constructor(status: number, message: string, scimType?: string) {
    super(message);
    this.status = status;
    this.scimType = scimType;
  }
}

/** The wire form of an error; `status` is a string there (RFC 7644 §3.12). */
export const scimErrorBody = (error: ScimError): Record<string, unknown> => ({
  schemas: [errorSchema],
  status: String(error.status),
  ...(error.scimType === undefined ? {} : { scimType: error.scimType }),
  detail: error.message,
});

const badRequest = (scimType: ScimType) => (message: string) => new ScimError(400, message, scimType);

export const invalidFilter = badRequest('invalidFilter');
export const tooMany = badRequest('tooMany');
export const uniqueness = (message: string) => new ScimError(409, message, 'uniqueness');
export const mutability = badRequest('mutability');
export const invalidSyntax = badRequest('invalidSyntax');
export const invalidPath = badRequest('invalidPath');
export const noTarget = badRequest('noTarget');
export const invalidValue = badRequest('invalidValue');
export const invalidVers = badRequest('invalidVers');
export const sensitive = (message: string) => new ScimError(403, message, 'sensitive');
