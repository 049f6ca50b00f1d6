import type { KeyService } from '../domain/keys/key-service.ts';
import type { ServiceProviderRegistry } from '../domain/ports/service-provider-registry.ts';
import type { SessionParticipant } from '../domain/ports/session-participants.ts';
import { logoutRequestXml } from '../domain/saml/outbound-xml.ts';
import { nameIdFormats, statusCodes } from '../domain/saml/saml-names.ts';

export interface SamlBackChannelDeps {
  readonly serviceProviders: ServiceProviderRegistry;
  readonly keys: KeyService;
  readonly outboundPost: (url: string, headers: Record<string, string>, body: string) => Promise<{ status: number; body: string }>;
}

export type BackChannelResult = 'success' | 'failure' | 'not_reached';

/**
 * SAML SOAP back-channel logout (SAML Bindings §3.2), for a session ended where the user's
 * browser is not (an administrator, a lock, a deletion): a signed LogoutRequest POSTed to the
 * SP's SOAP SingleLogoutService, its LogoutResponse read from the answer. It must come from that
 * SP (Issuer), answer this request (InResponseTo) and say Success; the connection is the SP's
 * own TLS endpoint, as the SOAP binding has it. An SP without a SOAP endpoint cannot be told.
 */
export function samlBackChannel(deps: SamlBackChannelDeps, tenant: string, issuer: string) {
  return async (participant: SessionParticipant): Promise<BackChannelResult> => {
    const saml = participant.saml;
    const sp = saml ? await deps.serviceProviders.get(tenant, saml.spId) : undefined;
    if (!saml || !sp?.backChannelLogoutUrl) return 'not_reached';
    try {
      const qualified = saml.nameIdFormat === nameIdFormats.persistent || saml.nameIdFormat === nameIdFormats.transient;
      const { id, xml } = logoutRequestXml({ issuer, destination: sp.backChannelLogoutUrl, nameId: { format: saml.nameIdFormat, value: saml.nameId }, sessionIndex: saml.sessionIndex, now: Date.now(), ...(qualified ? { spNameQualifier: sp.entityId } : {}) });
      // samlify (XML signing) and the XML parser load only when a session has a SOAP participant:
      // every function that ends sessions imports this module, and their cold starts stay as they were.
      const [{ signMessage }, { readSoapLogoutResponse, soapEnvelope }] = await Promise.all([import('../domain/saml/sign-message.ts'), import('../domain/saml/soap-binding.ts')]);
      const signed = signMessage(xml, 'LogoutRequest', await deps.keys.samlSigningKey(tenant));
      const answer = await deps.outboundPost(sp.backChannelLogoutUrl, { 'content-type': 'text/xml; charset=utf-8', soapaction: 'http://www.oasis-open.org/committees/security' }, soapEnvelope(signed));
      if (answer.status !== 200) return 'failure';
      const response = readSoapLogoutResponse(answer.body);
      return response.issuer === sp.entityId && response.inResponseTo === id && response.status === statusCodes.success ? 'success' : 'failure';
    } catch {
      return 'failure';
    }
  };
}
