import { issuerOf, type Tenant } from '../../../shared/domain/tenants/tenant.ts';

/** Where the broker's own endpoints for upstream providers are, per tenant (its SAML SP metadata lists the SAML ones). */
export const acsPath = (tenant: Pick<Tenant, 'slug'>) => `/t/${tenant.slug}/login/federated/saml/acs`;
export const samlSloPath = (tenant: Pick<Tenant, 'slug'>) => `/t/${tenant.slug}/login/federated/saml/slo`;
/** Where an upstream OpenID Provider sends the browser after its logout: register it there as a post-logout redirect URI. */
export const loggedOutPath = (tenant: Pick<Tenant, 'slug'>) => `/t/${tenant.slug}/login/federated/logged-out`;

export const brokerEndpoints = (deps: { readonly publicUrl: string }, tenant: Tenant) => ({
  issuer: issuerOf(deps.publicUrl, tenant),
  acsUrl: `${deps.publicUrl}${acsPath(tenant)}`,
  sloUrl: `${deps.publicUrl}${samlSloPath(tenant)}`,
});

/** The upstream SAML module (samlify, xml-crypto) loads at the first SAML federation, not at every cold start. */
export const upstreamSaml = () => import('./upstream-saml.ts');
