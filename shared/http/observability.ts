import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { redactSecrets } from './redaction.ts';

/** A function's logger (secrets redacted), metrics and tracer, named after the function. */
export function observability(service: string) {
  return {
    logger: new Logger({ serviceName: service, jsonReplacerFn: redactSecrets }),
    metrics: new Metrics({ serviceName: service, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'IdentityPlatform' }),
    tracer: new Tracer({ serviceName: service }),
  };
}
