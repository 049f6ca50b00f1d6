import type { HttpError } from '../../../shared/http/errors.ts';
import type { ErrorRenderer } from '../../../shared/http/middleware/error-mapping.ts';
import { json } from '../../../shared/http/responses.ts';
import { ScimError, scimErrorBody } from '../../../shared/domain/scim/errors.ts';

export const scimContentType = 'application/scim+json; charset=utf-8';

/** Any refusal in the SCIM error schema (RFC 7644 §3.12), with the scimType it carries. */
export const scimErrorOf = (error: HttpError) => scimErrorBody(new ScimError(error.status, error.message, typeof error.details.scimType === 'string' ? error.details.scimType : undefined));

export const renderScimError: ErrorRenderer = (error: HttpError) => json(error.status, scimErrorOf(error), { 'content-type': scimContentType });
