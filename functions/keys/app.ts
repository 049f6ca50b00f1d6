import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { PlatformPorts } from '../../shared/adapters/platform-ports.ts';
import { rotateTenantKeys } from '../../shared/domain/keys/rotate-keys.ts';
import type { RotationPolicy, SigningAlgorithm } from '../../shared/domain/keys/signing-key.ts';
import { observability } from '../../shared/http/observability.ts';

export interface KeysFunctionOptions {
  readonly now?: () => number;
  readonly policies?: Readonly<Record<SigningAlgorithm, RotationPolicy>>;
  /** Tenants rotated at once. */
  readonly concurrency?: number;
}

export interface RotationSummary {
  readonly tenants: number;
  readonly rotated: number;
  readonly failed: number;
}

/**
 * The scheduled rotation of every active tenant's signing keys. A tenant that fails does
 * not stop the others; the run then fails as a whole so the scheduler retries it (and
 * retrying is safe: rotation is idempotent).
 */
export function createKeysFunction(deps: () => PlatformPorts, options: KeysFunctionOptions = {}) {
  const { logger, metrics, tracer } = observability('keys');

  const rotateAll = async (): Promise<RotationSummary> => {
    const ports = deps();
    const rotation = { store: ports.signingKeys, vault: ports.keyVault, ...(options.now ? { now: options.now } : {}), ...(options.policies ? { policies: options.policies } : {}) };
    let tenants = 0;
    let rotated = 0;
    let failed = 0;
    const queue = ports.tenants.listTenants()[Symbol.asyncIterator]();
    const worker = async () => {
      for (let next = await queue.next(); !next.done; next = await queue.next()) {
        const tenant = next.value;
        if (tenant.status !== 'active') continue;
        tenants++;
        try {
          const outcomes = await rotateTenantKeys(rotation, tenant.id);
          if (outcomes.some((o) => o.result === 'rotated')) {
            rotated++;
            logger.info('rotated signing keys', { tenant: tenant.id, outcomes });
          }
        } catch (error) {
          failed++;
          logger.error('signing-key rotation failed', { tenant: tenant.id, error });
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
    metrics.addMetric('TenantsVisited', MetricUnit.Count, tenants);
    metrics.addMetric('TenantsRotated', MetricUnit.Count, rotated);
    metrics.addMetric('TenantRotationFailures', MetricUnit.Count, failed);
    if (failed > 0) throw new Error(`signing-key rotation failed for ${failed} of ${tenants} tenants`);
    return { tenants, rotated, failed };
  };

  return middy(rotateAll).use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics)).use(captureLambdaHandler(tracer));
}
