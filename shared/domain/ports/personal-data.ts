/** What names a person in stored data: their user id (anywhere in a value), names compared whole, addresses found inside values. */
export interface PersonalIdentifiers {
  readonly id: string;
  /** userName, externalId: a value equal to one of these (ignoring case) names the person. */
  readonly exact: readonly string[];
  /** Email addresses, phone numbers: a value containing one of these names the person. */
  readonly contained: readonly string[];
}

/** An item that names the person, and where. */
export interface PersonalDataItem {
  readonly table: 'directory' | 'sessions' | 'sessionIndex' | 'audit';
  readonly pk: string;
  readonly sk: string;
  /** The attributes that name them. */
  readonly attributes: readonly string[];
}

/**
 * The right to be forgotten (GDPR Art. 17) across every table: finding what still names a
 * person, deleting it, and replacing them in the audit trail by a keyed pseudonym.
 */
export interface PersonalData {
  /** Every item of the tenant, in every table, that names the person. */
  find(tenant: string, who: PersonalIdentifiers): Promise<PersonalDataItem[]>;
  /** Deletes every such item outside the audit trail, and rewrites the audit events that name them with pseudonyms. */
  erase(tenant: string, who: PersonalIdentifiers, pseudonymKey: Buffer): Promise<{ deleted: number; pseudonymized: number }>;
}
