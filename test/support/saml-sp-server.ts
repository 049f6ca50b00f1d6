import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as samlify from 'samlify';
import { validateSamlSchema } from '../../shared/adapters/xml/saml-schema-validator.ts';
import type { AdminApi } from './admin-api.ts';
import { registerServiceProvider, spCredentials } from './saml.ts';
import { webClient } from './web-client.ts';
import { sharedRuntime } from './shared-runtime.ts';

samlify.setSchemaValidator({ validate: validateSamlSchema });
const binding = samlify.Constants.namespace.binding;

/** How the SP answers the IdP's LogoutRequest: with a signed LogoutResponse, or never (the browser stays on its page). */
export type LogoutBehaviour = 'answers' | 'never-answers';

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function formBody(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

function htmlPage(res: ServerResponse, title: string, body: string) {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>${escapeHtml(title)}</title>${body}`);
}

/**
 * A samlify service provider served over HTTP on 127.0.0.1, as a browser meets one: /login starts
 * SP-initiated SSO by Redirect, /acs consumes the signed Response, /slo answers the IdP's
 * LogoutRequests (HTTP-POST both ways) by `behaviour`. Registered at the tenant before use.
 */
export async function samlSpServer(api: AdminApi, name: string, behaviour: LogoutBehaviour) {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entityId = `${origin}/${name}`;
  const credentials = await spCredentials(name);
  await registerServiceProvider(api, {
    name,
    entityId,
    assertionConsumerServices: [{ url: `${origin}/acs`, index: 0 }],
    singleLogoutService: { url: `${origin}/slo`, binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST' },
    signingCertificates: [credentials.certificatePem],
    requireSignedAuthnRequests: true,
  });
  const sp = samlify.ServiceProvider({
    entityID: entityId,
    authnRequestsSigned: true,
    wantAssertionsSigned: true,
    wantLogoutRequestSigned: true,
    wantLogoutResponseSigned: true,
    privateKey: credentials.privateKeyPem,
    signingCert: credentials.certificatePem,
    requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    assertionConsumerService: [{ Binding: binding.post, Location: `${origin}/acs` }],
    singleLogoutService: [{ Binding: binding.post, Location: `${origin}/slo` }],
  });
  const metadata = (await webClient(sharedRuntime.url).get(`/t/${api.tenant.slug}/saml2/metadata`)).body;
  const idp = samlify.IdentityProvider({ metadata, wantLogoutRequestSigned: true, wantLogoutResponseSigned: true });

  const signedIn: string[] = [];
  const logoutRequests: string[] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    void (async () => {
      if (req.method === 'GET' && path === '/login') {
        res.writeHead(302, { location: sp.createLoginRequest(idp, 'redirect').context }).end();
      } else if (req.method === 'POST' && path === '/acs') {
        const { extract } = await sp.parseLoginResponse(idp, 'post', { body: await formBody(req) });
        signedIn.push(String(extract.nameID));
        htmlPage(res, name, `<h1>Signed in to ${escapeHtml(name)}</h1>`);
      } else if (req.method === 'POST' && path === '/slo') {
        const body = await formBody(req);
        const { extract } = await sp.parseLogoutRequest(idp, 'post', { body });
        logoutRequests.push(String(extract.nameID));
        if (behaviour === 'never-answers') return htmlPage(res, name, '<p>Signing out… (this SP never sends the browser back)</p>');
        const answer = sp.createLogoutResponse(idp, { extract }, 'post', body.RelayState ?? '') as { context: string; entityEndpoint: string };
        htmlPage(res, name, `<form method="post" action="${escapeHtml(answer.entityEndpoint)}"><input type="hidden" name="SAMLResponse" value="${escapeHtml(answer.context)}"><input type="hidden" name="RelayState" value="${escapeHtml(body.RelayState ?? '')}"></form><script>document.forms[0].submit()</script>`);
      } else {
        res.writeHead(404).end();
      }
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  return {
    name,
    loginUrl: `${origin}/login`,
    signedIn,
    logoutRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
