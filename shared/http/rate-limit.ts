import { createAuditEvent } from '../domain/audit/event.ts';
import type { AuditLog } from '../domain/ports/audit-log.ts';
import type { RateLimiter } from '../domain/ports/session-store.ts';
import { tooManyRequests } from './errors.ts';
import type { HttpRequest } from './request.ts';

export interface RateRule {
  readonly hits: number;
  readonly windowSeconds: number;
}

/**
 * Counts one hit against `key`; past the rule's limit, records a ratelimit.exceeded audit
 * event (for a tenant) and answers 429 with Retry-After.
 */
export async function throttle(
  request: HttpRequest<{ rateLimiter: RateLimiter; auditLog: AuditLog }>,
  key: string,
  rule: RateRule,
  audit: { tenant?: string; endpoint: string; subject?: string },
): Promise<void> {
  const { allowed, retryAfterSeconds } = await request.deps.rateLimiter.hit(key, rule.hits, rule.windowSeconds, Date.now());
  if (allowed) return;
  if (audit.tenant) {
    await request.deps.auditLog.record(
      createAuditEvent({
        tenant: audit.tenant, type: 'ratelimit.exceeded', actor: { kind: 'anonymous' }, ...(audit.subject ? { subject: audit.subject } : {}),
        clientIp: request.state.clientIp, userAgent: request.state.userAgent, correlationId: request.state.correlationId, outcome: 'denied',
        details: { endpoint: audit.endpoint, limit: rule.hits, windowSeconds: rule.windowSeconds },
      }),
    );
  }
  throw tooManyRequests(retryAfterSeconds);
}
