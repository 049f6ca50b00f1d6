import { legalBases } from '../../../../shared/domain/consent/consent-purpose.ts';
import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';

export interface PurposeItem {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly claims: readonly string[];
  readonly legalBasis: (typeof legalBases)[number];
  readonly mandatory: boolean;
  readonly version: number;
}

type Fields = Readonly<Record<string, string>>;

export interface ConsentPurposesView {
  readonly notice?: Notice;
  readonly purposes: readonly PurposeItem[];
  readonly next?: string;
  /** The new-purpose form as it was sent, after a refusal. */
  readonly create?: Fields;
  /** The purpose in the change form: its id, the version the form shows, its fields. */
  readonly edit?: { readonly id: string; readonly version: number; readonly name: string; readonly fields: Fields };
}

/** The lawful bases of GDPR Art. 6(1), as an administrator picks one. */
const legalBasisLabels: Readonly<Record<(typeof legalBases)[number], string>> = {
  consent: 'Consent (Art. 6(1)(a)): users may decline',
  contract: 'Contract (Art. 6(1)(b)): needed to provide the service',
  legal_obligation: 'Legal obligation (Art. 6(1)(c))',
  vital_interests: 'Vital interests (Art. 6(1)(d))',
  public_task: 'Public task (Art. 6(1)(e))',
  legitimate_interests: 'Legitimate interests (Art. 6(1)(f))',
};

const shortBasis = (basis: string) => (legalBasisLabels[basis as keyof typeof legalBasisLabels] ?? basis).replace(/ \(.*$/, '');

/** The fields of a purpose, with ids under `prefix` so each form's labels are its own. */
const purposeFields = (prefix: string, f: Fields) => html`<label for="${prefix}-name">Name<input id="${prefix}-name" name="name" required maxlength="100" value="${f.name ?? ''}"></label>
<label for="${prefix}-description">Description<textarea id="${prefix}-description" name="description" required maxlength="1000" rows="3" aria-describedby="${prefix}-description-help">${f.description ?? ''}</textarea></label>
<p class="muted hint" id="${prefix}-description-help">What the data is used for, as users read it when they are asked.</p>
<label for="${prefix}-claims">Data it covers<input id="${prefix}-claims" name="claims" maxlength="4000" value="${f.claims ?? ''}" aria-describedby="${prefix}-claims-help" autocomplete="off" spellcheck="false"></label>
<p class="muted hint" id="${prefix}-claims-help">Claims separated by commas, such as email, given_name, attributes.department.</p>
<label for="${prefix}-basis">Legal basis<select id="${prefix}-basis" name="legal_basis">${legalBases.map((b) => html`<option value="${b}"${(f.legal_basis ?? 'consent') === b ? html` selected` : ''}>${legalBasisLabels[b]}</option>`)}</select></label>
<label class="choice" for="${prefix}-mandatory"><input id="${prefix}-mandatory" name="mandatory" type="checkbox" value="on"${'mandatory' in f ? html` checked` : ''} aria-describedby="${prefix}-mandatory-help"> Required to use the application</label>
<p class="muted hint" id="${prefix}-mandatory-help">Users cannot decline a required purpose; the others are a box they may leave unticked.</p>`;

const editSection = (frame: ConsoleFrame, edit: NonNullable<ConsentPurposesView['edit']>) => html`<section aria-labelledby="edit-heading"><h2 id="edit-heading">Change “${edit.name}”</h2>
<form method="post" action="${frame.base}/consent">${csrfField(frame)}<input type="hidden" name="intent" value="update"><input type="hidden" name="id" value="${edit.id}"><input type="hidden" name="version" value="${String(edit.version)}">
${purposeFields('edit', edit.fields)}
<p class="muted">A change makes a new version: users who accepted an earlier one are asked again.</p>
<div class="actions"><button type="submit">Save the purpose</button> <a href="${frame.base}/consent">Cancel</a></div>
</form>
<form method="post" action="${frame.base}/consent">${csrfField(frame)}<input type="hidden" name="intent" value="remove"><input type="hidden" name="id" value="${edit.id}"><input type="hidden" name="version" value="${String(edit.version)}">
<p class="muted">Removing it stops applications from asking for it; consents already given stay on record.</p>
<div class="actions"><button type="submit" class="danger">Remove this purpose</button></div>
</form></section>`;

const createSection = (frame: ConsoleFrame, fields: Fields) => html`<section aria-labelledby="new-heading"><h2 id="new-heading">New purpose</h2>
<form method="post" action="${frame.base}/consent">${csrfField(frame)}<input type="hidden" name="intent" value="create">
${purposeFields('new', fields)}
<button type="submit">Create the purpose</button>
</form></section>`;

export function consentPurposesPage(frame: ConsoleFrame, view: ConsentPurposesView): string {
  return consolePage(frame, 'Consent purposes', html`${noticeOf(view.notice)}<p class="muted">Why you collect or share personal data. An application that names purposes asks its users for them at sign-in; users see and withdraw their consent in their account.</p>
${view.edit ? editSection(frame, view.edit) : ''}
<div class="scroll"><table><caption class="visually-hidden">Consent purposes</caption><thead><tr><th scope="col">Purpose</th><th scope="col">Legal basis</th><th scope="col">Required</th><th scope="col">Data</th><th scope="col">Version</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${view.purposes.length ? view.purposes.map((p) => html`<tr><td><strong>${p.name}</strong><br><span class="muted">${p.description}</span></td><td>${shortBasis(p.legalBasis)}</td><td>${p.mandatory ? 'Yes' : 'No'}</td><td>${p.claims.length ? p.claims.join(', ') : html`<span class="muted">none</span>`}</td><td>${String(p.version)}</td><td><a href="${frame.base}/consent?edit=${encodeURIComponent(p.id)}" aria-label="${`Change ${p.name}`}">Change</a></td></tr>`) : html`<tr><td colspan="6" class="muted">No purposes yet.</td></tr>`}</tbody></table></div>
${view.next ? html`<p><a href="${frame.base}/consent?cursor=${encodeURIComponent(view.next)}">More purposes</a></p>` : ''}
${view.edit ? '' : createSection(frame, view.create ?? {})}`);
}
