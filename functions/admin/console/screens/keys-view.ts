import { html } from '../../../../shared/http/views/html.ts';
import { consolePage, csrfField, noticeOf, type ConsoleFrame, type Notice } from '../console-layout.ts';

export type KeyAlgorithm = 'ES256' | 'RS256';
export type KeyState = 'next' | 'active' | 'retired';

export interface KeyRow {
  readonly kid: string;
  readonly state: KeyState;
  readonly createdAt: string;
  readonly activatedAt?: string;
  readonly retiredAt?: string;
}

/** What each algorithm's keys are used for, as an administrator would name it. */
export const keyUses: Readonly<Record<KeyAlgorithm, { readonly title: string; readonly use: string; readonly relyingParties: string }>> = {
  ES256: {
    title: 'Token signing (ES256)',
    use: 'Signs ID tokens and access tokens, and the audit trail’s hourly digests. Applications find its public key in the tenant’s JWKS.',
    relyingParties: 'Applications that cached the JWKS keep verifying tokens',
  },
  RS256: {
    title: 'SAML signing and RS256 tokens (RS256)',
    use: 'Signs SAML responses and assertions (its certificate is in the SAML metadata), and tokens for applications that ask for RS256.',
    relyingParties: 'Service providers that read the SAML metadata, and applications that cached the JWKS, keep working',
  },
};

const stateLabels: Readonly<Record<KeyState, string>> = {
  active: 'Active: signs now',
  next: 'Next: published, signs after the next rotation',
  retired: 'Retired: no longer signs, still published',
};

export interface KeysView {
  readonly notice?: Notice;
  readonly keys: Readonly<Record<KeyAlgorithm, readonly KeyRow[]>>;
  /** How long a retired key stays published, in days, per algorithm. */
  readonly retainedDays: Readonly<Record<KeyAlgorithm, number>>;
  /** The rotation waiting for the administrator's confirmation. */
  readonly confirm?: KeyAlgorithm;
}

const when = (iso: string | undefined) => (iso ? html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>` : html`<span class="muted">—</span>`);

function confirmation(frame: ConsoleFrame, view: KeysView, alg: KeyAlgorithm) {
  const keys = view.keys[alg];
  const active = keys.find((k) => k.state === 'active');
  const next = keys.find((k) => k.state === 'next');
  return html`<section aria-labelledby="confirm-heading" class="note" id="confirm-rotation"><h2 id="confirm-heading">Rotate the ${keyUses[alg].title} key?</h2>
<ul>
<li>${next ? html`The next key <code>${next.kid}</code>, published since ${when(next.createdAt)}, starts signing now.` : 'A new key is made and starts signing now.'}</li>
<li>${active ? html`The current key <code>${active.kid}</code> stops signing but stays published for ${String(view.retainedDays[alg])} days,` : 'Keys that stop signing stay published for a while,'} so everything it signed still verifies. ${keyUses[alg].relyingParties}.</li>
<li>A new next key is made and published at once, ready for the rotation after this one.</li>
</ul>
<p>Rotate now after a suspected leak, or to test that your applications follow key changes. Otherwise keys rotate on their own schedule.</p>
<form method="post" action="${frame.base}/keys/rotate" class="actions">${csrfField(frame)}<input type="hidden" name="alg" value="${alg}"><input type="hidden" name="confirm" value="yes">
<button type="submit">Yes, rotate the ${alg} key now</button> <a href="${frame.base}/keys">Cancel</a>
</form></section>`;
}

function keyTable(frame: ConsoleFrame, alg: KeyAlgorithm, keys: readonly KeyRow[]) {
  return html`<section aria-labelledby="keys-${alg}"><h2 id="keys-${alg}">${keyUses[alg].title}</h2>
<p class="muted">${keyUses[alg].use}</p>
<table><thead><tr><th scope="col">Key ID (kid)</th><th scope="col">Algorithm</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Started signing</th><th scope="col">Retired</th></tr></thead>
<tbody>${keys.length ? keys.map((k) => html`<tr data-state="${k.state}"><td><code>${k.kid}</code></td><td>${alg}</td><td>${stateLabels[k.state]}</td><td>${when(k.createdAt)}</td><td>${when(k.activatedAt)}</td><td>${when(k.retiredAt)}</td></tr>`) : html`<tr><td colspan="6" class="muted">No keys yet: they are made at the first rotation.</td></tr>`}</tbody></table>
<form method="get" action="${frame.base}/keys#confirm-rotation" class="actions"><input type="hidden" name="rotate" value="${alg}"><button type="submit" class="secondary">Rotate the ${alg} key…</button></form>
</section>`;
}

export function keysPage(frame: ConsoleFrame, view: KeysView): string {
  return consolePage(frame, 'Signing keys', html`${noticeOf(view.notice)}${view.confirm ? confirmation(frame, view, view.confirm) : ''}
<p>Each key is published before it signs and stays published after it stops, so applications and service providers never meet a signature they cannot check. Only public parts and states are shown here; private keys never leave the keystore.</p>
${(Object.keys(keyUses) as KeyAlgorithm[]).map((alg) => keyTable(frame, alg, view.keys[alg]))}`);
}
