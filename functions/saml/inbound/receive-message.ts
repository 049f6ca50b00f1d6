import type { ServiceProvider } from '../../../shared/domain/saml/service-provider.ts';
import {
  checkEnvelopedSignature,
  decodePostMessage,
  decodeRedirectMessage,
  hasSignature,
  octetStringOf,
  parseScreenedXml,
  readInboundMessage,
  SamlMessageRejected,
  type InboundMessage,
} from '../../../shared/domain/saml/inbound-message.ts';
import { acceptedSignatureAlgorithms } from '../../../shared/domain/saml/saml-names.ts';
import type { Tenant } from '../../../shared/domain/tenants/tenant.ts';
import { issuerOf } from '../../../shared/domain/tenants/tenant.ts';
import { formOf } from '../../../shared/http/forms.ts';
import type { HttpRequest } from '../../../shared/http/request.ts';
import type { SamlDeps } from '../deps.ts';
import { identityProvider, serviceProviderEntity } from '../saml-entities.ts';

export type Binding = 'redirect' | 'post';
type Parameter = 'SAMLRequest' | 'SAMLResponse';

/** A message that passed every check: what it says, who sent it, and whether it was signed. */
export interface ReceivedMessage {
  readonly message: InboundMessage;
  readonly doc: Document;
  readonly sp: ServiceProvider;
  readonly binding: Binding;
  readonly signed: boolean;
  readonly relayState?: string;
}

/** How far a message's IssueInstant may be from now: five minutes old, one minute ahead (clock skew). */
const maxAgeMs = 5 * 60_000;
const maxSkewMs = 60_000;
/** Message IDs are remembered past the freshness window, so a replay is always caught. */
const replayMemoryMs = maxAgeMs + 2 * maxSkewMs;


function paramsOf(req: HttpRequest<SamlDeps>, binding: Binding): URLSearchParams {
  const params = binding === 'post' ? formOf(req) : req.query;
  for (const name of new Set(params.keys())) if (params.getAll(name).length > 1) throw new SamlMessageRejected(`the parameter ${name} was sent more than once`);
  return params;
}

/**
 * Receives a SAML protocol message by the Redirect or POST binding and runs every check, in an
 * order that lets nothing unchecked reach samlify or the caller:
 * size and encoding → XML screening (no DTD, PI, comment) → strict parse → root fields → Issuer
 * is a registered SP of this tenant → signature (required by the SP's settings or verified when
 * present; enveloped-signature shape on POST; SHA-256+ only) → samlify's own verification and
 * schema validation → Destination → IssueInstant freshness → message-ID replay.
 */
export async function receiveMessage(
  req: HttpRequest<SamlDeps>,
  tenant: Tenant,
  options: { binding: Binding; parameter: Parameter; kinds: InboundMessage['kind'][]; destination: string; signatureRequired: (sp: ServiceProvider) => boolean },
): Promise<ReceivedMessage> {
  const { binding, parameter } = options;
  const params = paramsOf(req, binding);
  const encoded = params.get(parameter);
  if (!encoded) throw new SamlMessageRejected(`${parameter} is missing`);
  const relayState = params.get('RelayState') ?? undefined;
  if (relayState !== undefined && relayState.length > 1024) throw new SamlMessageRejected('RelayState is too long');
  const xml = binding === 'redirect' ? decodeRedirectMessage(encoded) : decodePostMessage(encoded);
  const doc = parseScreenedXml(xml);
  const message = readInboundMessage(doc, options.kinds);

  // Defence samlify does not give: it does not check that the Issuer is the SP it was handed.
  const sp = await req.deps.serviceProviders.findByEntityId(tenant.id, message.issuer);
  if (!sp) throw new SamlMessageRejected('the issuer is not a registered service provider of this tenant');

  const signatureParam = binding === 'redirect' ? params.get('Signature') : null;
  if (binding === 'redirect' && hasSignature(doc)) throw new SamlMessageRejected('an embedded signature is not used with the Redirect binding');
  if (binding === 'redirect' && signatureParam !== null) {
    const sigAlg = params.get('SigAlg') ?? '';
    // Defence: samlify verifies whatever SigAlg names, SHA-1 included.
    if (!acceptedSignatureAlgorithms.includes(sigAlg)) throw new SamlMessageRejected('the signature algorithm is not accepted (SHA-256 or stronger)');
  }
  if (binding === 'post' && hasSignature(doc)) checkEnvelopedSignature(doc);
  const signed = binding === 'redirect' ? signatureParam !== null : hasSignature(doc);
  // Defence: samlify's defaults accept unsigned LogoutRequests; the SP's settings decide here.
  if (!signed && options.signatureRequired(sp)) throw new SamlMessageRejected('the message must be signed');
  if (signed && sp.signingCertificates.length === 0) throw new SamlMessageRejected('the service provider has no signing certificate registered');

  await verifyWithSamlify(req, tenant, sp, message, binding, params, signed, xml);

  if (message.destination !== options.destination) throw new SamlMessageRejected('the Destination is not this endpoint');
  const now = Date.now();
  const issued = Date.parse(message.issueInstant);
  if (!Number.isFinite(issued) || issued < now - maxAgeMs || issued > now + maxSkewMs) throw new SamlMessageRejected('the IssueInstant is not current');
  if (!(await req.deps.grants.useAssertionId(tenant.id, `saml:${sp.id}`, message.id, now + replayMemoryMs))) throw new SamlMessageRejected('the message was already received (replay)');
  return { message, doc, sp, binding, signed, ...(relayState !== undefined ? { relayState } : {}) };
}

const parameterOf = (message: InboundMessage): Parameter => (message.kind === 'LogoutResponse' ? 'SAMLResponse' : 'SAMLRequest');

/** samlify checks the signature against each registered certificate in turn, and the schema. */
async function verifyWithSamlify(req: HttpRequest<SamlDeps>, tenant: Tenant, sp: ServiceProvider, message: InboundMessage, binding: Binding, params: URLSearchParams, signed: boolean, xml: string): Promise<void> {
  const idp = identityProvider({ issuer: issuerOf(req.deps.publicUrl, tenant), key: await req.deps.keys.samlSigningKey(tenant.id), verifyRequests: signed });
  const envelope = binding === 'redirect' ? { query: Object.fromEntries(params), octetString: octetStringOf(req.event.rawQueryString ?? '', parameterOf(message)) } : { body: { ...Object.fromEntries(params), [parameterOf(message)]: Buffer.from(xml).toString('base64') } };
  const certificates = signed ? sp.signingCertificates : [undefined];
  let lastError: unknown;
  for (const certificate of certificates) {
    const entity = serviceProviderEntity(sp, certificate);
    try {
      if (message.kind === 'AuthnRequest') await idp.parseLoginRequest(entity, binding, envelope);
      else if (message.kind === 'LogoutRequest') await idp.parseLogoutRequest(entity, binding, envelope);
      else await idp.parseLogoutResponse(entity, binding, envelope);
      return;
    } catch (error) {
      lastError = error;
    }
  }
  const code = lastError instanceof Error ? lastError.message : String(lastError);
  throw new SamlMessageRejected(code === 'ERR_EXCEPTION_VALIDATE_XML' ? 'the message does not follow the SAML schema' : 'the signature could not be verified');
}
