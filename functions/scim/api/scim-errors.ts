import type { HttpError } from '../../../shared/http/errors.ts';
import type { ErrorRenderer } from '../../../shared/http/middleware/error-mapping.ts';
import { json } from '../../../shared/http/responses.ts';
import { errorSchema } from '../../../shared/domain/scim/errors.ts';

export const scimContentType = 'application/scim+json; charset=utf-8';

/** RFC 7644 §3.12: `{schemas, status (a string), scimType?, detail}`. */
export const renderScimError: ErrorRenderer = (error: HttpError) => {
  const scimType = typeof error.details.scimType === 'string' ? error.details.scimType : undefined;
  return json(error.status, { schemas: [errorSchema], status: String(error.status), ...(scimType ? { scimType } : {}), detail: error.message }, { 'content-type': scimContentType });
};
