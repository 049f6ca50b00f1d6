import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { HttpEvent, HttpResponse } from '../request.ts';

/** One count per response by status class (Responses2xx … Responses5xx), the function's error-rate signal. */
export function responseMetrics(metrics: Metrics): MiddlewareObj<HttpEvent, HttpResponse> {
  const count = (request: { response: HttpResponse | null }) => {
    const status = request.response?.statusCode ?? 500;
    metrics.addMetric(`Responses${Math.floor(status / 100)}xx`, MetricUnit.Count, 1);
  };
  return { after: count, onError: count };
}
