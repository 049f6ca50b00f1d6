import { defaultRotationPolicies } from '../../../../shared/domain/keys/signing-key.ts';
import type { HttpResponse } from '../../../../shared/http/request.ts';
import type { ConsoleCaller } from '../console-auth.ts';
import { callOperation, consoleForm, refusalOf, renderScreen, withCaller, type ConsoleRequest, type ConsoleRoutes } from '../console-screen.ts';
import type { Notice } from '../console-layout.ts';
import { keysPage, keyUses, type KeyAlgorithm, type KeyRow, type KeysView } from './keys-view.ts';

interface KeyItem extends KeyRow {
  readonly alg: KeyAlgorithm;
}

const stateOrder = { active: 0, next: 1, retired: 2 } as const;
const retainedDays = Object.fromEntries((Object.keys(keyUses) as KeyAlgorithm[]).map((alg) => [alg, Math.round(defaultRotationPolicies[alg].retainRetiredForMs / 86_400_000)])) as Record<KeyAlgorithm, number>;

const isAlgorithm = (value: string | null): value is KeyAlgorithm => value !== null && Object.hasOwn(keyUses, value);

async function renderKeys(req: ConsoleRequest, caller: ConsoleCaller, extra: Pick<KeysView, 'notice' | 'confirm'> = {}): Promise<HttpResponse> {
  const { items } = await callOperation<{ items: KeyItem[] }>(req, caller, 'GET /t/{tenant}/api/v1/keys');
  const byAlg = (alg: KeyAlgorithm) => items.filter((k) => k.alg === alg).sort((a, b) => stateOrder[a.state] - stateOrder[b.state] || b.createdAt.localeCompare(a.createdAt));
  return renderScreen(req, caller, 'keys', (frame) => keysPage(frame, { ...extra, retainedDays, keys: { ES256: byAlg('ES256'), RS256: byAlg('RS256') } }));
}

/** GET /t/{tenant}/console/keys[?rotate=ES256]: the keys of each use; with `rotate`, the confirmation of that rotation. */
const keys = withCaller(async (req, caller) => {
  const rotate = req.query.get('rotate');
  if (rotate === null) return renderKeys(req, caller);
  if (!isAlgorithm(rotate)) return renderKeys(req, caller, { notice: { ok: false, text: 'Choose the key to rotate: ES256 or RS256.' } });
  return renderKeys(req, caller, { confirm: rotate });
});

/** POST /t/{tenant}/console/keys/rotate: the API's rotation of one algorithm's keys, once the administrator confirmed it (CSRF token). */
const rotate = withCaller(async (req, caller) => {
  const form = await consoleForm(req, caller);
  const alg = form.get('alg');
  if (!isAlgorithm(alg)) return renderKeys(req, caller, { notice: { ok: false, text: 'Choose the key to rotate: ES256 or RS256.' } });
  // Without the confirmation's own field this is a first click: explain what rotation does, change nothing.
  if (form.get('confirm') !== 'yes') return renderKeys(req, caller, { confirm: alg });
  let notice: Notice;
  try {
    const { items } = await callOperation<{ items: Array<{ alg: string; result: 'rotated' | 'unchanged'; activeKid?: string }> }>(req, caller, 'POST /t/{tenant}/api/v1/keys/rotate', { body: { algorithms: [alg] } });
    const outcome = items.find((i) => i.alg === alg);
    notice = outcome?.result === 'rotated'
      ? { ok: true, text: `The ${alg} key was rotated: ${outcome.activeKid ?? 'a new key'} signs now; the previous key stays published for ${retainedDays[alg]} days.` }
      : { ok: true, text: `The ${alg} keys were already as they should be; nothing changed.` };
  } catch (error) {
    notice = refusalOf(error);
  }
  return renderKeys(req, caller, { notice });
});

export const keyRoutes: ConsoleRoutes = {
  'GET /t/{tenant}/console/keys': keys,
  'POST /t/{tenant}/console/keys/rotate': rotate,
};
