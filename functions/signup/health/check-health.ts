import type { PlatformPorts } from '../../../shared/adapters/platform-ports.ts';
import type { HttpRequest, HttpResponse } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';

type Dependency = 'dynamodb' | 'keystore' | 'mail';

interface CheckResult {
  readonly status: 'up' | 'down';
  readonly latencyMs: number;
  readonly reason?: string;
}

const timeoutMs = 2000;

/** A short, public reason: the kind of failure, never the endpoint or the message. */
function reasonOf(error: unknown): string {
  if (error instanceof Error && error.message === 'timed out') return 'timed out';
  const code = (error as { code?: string; name?: string }).code ?? (error as { name?: string }).name;
  return code === 'ECONNREFUSED' ? 'unreachable' : (code ?? 'error');
}

async function probe(check: () => Promise<void>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', latencyMs: Math.round(performance.now() - started), reason: reasonOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

// The health check is public: its answer is reused for a few seconds so callers cannot
// turn it into a stream of DynamoDB, KMS and SES calls.
const reuseForMs = 5000;
const recent = new WeakMap<PlatformPorts, { at: number; answer: Promise<{ healthy: boolean; checks: Record<Dependency, CheckResult> }> }>();

/** GET /health: 200 when DynamoDB, the keystore and mail all answer, 503 naming the one that does not. */
export async function checkHealth(request: HttpRequest<PlatformPorts>): Promise<HttpResponse> {
  let last = recent.get(request.deps);
  if (!last || performance.now() - last.at > reuseForMs) {
    last = { at: performance.now(), answer: runChecks(request.deps) };
    recent.set(request.deps, last);
  }
  const { healthy, checks } = await last.answer;
  return json(healthy ? 200 : 503, { status: healthy ? 'ok' : 'unavailable', checks });
}

async function runChecks(deps: PlatformPorts) {
  const probes: Record<Dependency, () => Promise<void>> = {
    dynamodb: () => deps.dataStore.check(),
    keystore: () => deps.keyVault.check(),
    mail: () => deps.mailer.check(),
  };
  const entries = await Promise.all(Object.entries(probes).map(async ([name, check]) => [name, await probe(check)] as const));
  const checks = Object.fromEntries(entries) as Record<Dependency, CheckResult>;
  return { healthy: entries.every(([, result]) => result.status === 'up'), checks };
}
