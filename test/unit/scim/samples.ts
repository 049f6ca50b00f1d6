/** Sample resources in their client-facing SCIM JSON, after RFC 7643 §8. */

export const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export const bjensen = (): Record<string, unknown> => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', enterprise],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'BJensen',
  userName: 'bjensen@example.com',
  name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  nickName: 'Babs',
  title: 'Tour Guide',
  userType: 'Employee',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  addresses: [
    { type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'USA', primary: true },
    { type: 'home', streetAddress: '456 Hollywood Blvd', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'USA' },
  ],
  phoneNumbers: [{ value: '555-555-5555', type: 'work' }],
  [enterprise]: {
    employeeNumber: '701984',
    costCenter: '4130',
    department: 'Tour Operations',
    manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' },
  },
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
    version: 'W/"3694e05e9dff591"',
    location: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646',
  },
});

export const jsmith = (): Record<string, unknown> => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '26118915-6090-4610-87e4-49d8ca9f808d',
  userName: 'jsmith',
  name: { familyName: 'Smith', givenName: 'John' },
  displayName: 'John Smith',
  active: false,
  emails: [{ value: 'john@example.org', type: 'home' }],
  meta: { resourceType: 'User', created: '2012-06-01T10:00:00.000Z', lastModified: '2012-06-01T10:00:00.000Z' },
});

/** A user with nothing but the required attributes. */
export const bare = (): Record<string, unknown> => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: 'c0ffee00-0000-4000-8000-000000000001',
  userName: 'bare',
  meta: { resourceType: 'User', created: '2020-02-29T23:59:59+01:00', lastModified: '2020-03-01T00:00:00Z' },
});

export const group = (): Record<string, unknown> => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  displayName: 'Tour Guides',
  members: [
    { value: '2819c223-7f76-453a-919d-413861904646', $ref: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646', display: 'Babs Jensen' },
    { value: '902c246b-6245-4190-8e05-00816be7344a', $ref: 'https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a', display: 'Mandy Pepperidge' },
  ],
  meta: { resourceType: 'Group', created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:34Z' },
});
