import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';
import { tenantOf, type HttpRequest, type HttpResponse } from '../../../shared/http/request.ts';
import type { SamlDeps } from '../deps.ts';
import { idpMetadata } from '../saml-entities.ts';

/**
 * GET /t/{tenant}/saml2/metadata: the tenant as a SAML IdP. It lists the certificate that signs
 * now and the next one, so SPs that refresh metadata trust a key before it signs.
 */
export async function getMetadata(req: HttpRequest<SamlDeps>): Promise<HttpResponse> {
  const tenant = tenantOf(req);
  const certificates = (await req.deps.keys.samlCertificates(tenant.id)).filter((c) => c.state === 'active' || c.state === 'next');
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/samlmetadata+xml; charset=utf-8', 'cache-control': 'public, max-age=300' },
    body: idpMetadata(issuerOf(req.deps.publicUrl, tenant), certificates),
  };
}
