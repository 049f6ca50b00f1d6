import type { ClaimMapping } from './claim-mapping.ts';

/**
 * Social and enterprise providers as ready-made OpenID Connect settings (issue: identity broker):
 * an administrator names the template and gives the client id and secret (or, for Apple, the
 * signing key); whatever else they give overrides the template.
 */
export const socialTemplates = ['google', 'microsoft', 'apple'] as const;
export type SocialTemplate = (typeof socialTemplates)[number];

export interface TemplateSettings {
  readonly name: string;
  readonly issuer: string;
  readonly scopes: readonly string[];
  readonly responseMode?: 'query' | 'form_post';
  readonly clientAuthentication?: 'client_secret_basic' | 'client_secret_post' | 'apple_client_secret';
  readonly claimMappings?: readonly ClaimMapping[];
}

const first = (a: string, b: string) => ({ if: { present: { claim: a } }, then: { claim: a }, else: { claim: b } });

/**
 * The settings of a template. Microsoft needs the directory (tenant id or domain) the accounts
 * come from: its multi-tenant endpoints (`common`, `organizations`) put each directory's own
 * issuer in the ID token, which an issuer check must refuse. Entra ID does not say whether an
 * email was verified, so its users' emails are not taken as verified (link by verified email
 * will not match them); Google and Apple say so per user.
 */
export function templateSettings(template: SocialTemplate, directory?: string): TemplateSettings | string {
  switch (template) {
    case 'google':
      return { name: 'Google', issuer: 'https://accounts.google.com', scopes: ['openid', 'email', 'profile'] };
    case 'microsoft':
      if (!directory || ['common', 'organizations', 'consumers'].includes(directory)) return 'directory: give the Microsoft Entra tenant id or domain (the multi-tenant endpoints have no single issuer to check)';
      return {
        name: 'Microsoft', issuer: `https://login.microsoftonline.com/${directory}/v2.0`, scopes: ['openid', 'email', 'profile'],
        claimMappings: [
          { target: 'email', value: first('email', 'preferred_username') },
          { target: 'given_name', value: { claim: 'given_name' } },
          { target: 'family_name', value: { claim: 'family_name' } },
          { target: 'name', value: { claim: 'name' } },
        ],
      };
    case 'apple':
      // Apple sends the authorization response by form_post when email or name is asked for, and takes an ES256-signed JWT as the client secret.
      return { name: 'Apple', issuer: 'https://appleid.apple.com', scopes: ['openid', 'email'], responseMode: 'form_post', clientAuthentication: 'apple_client_secret' };
  }
}
