import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { CustomDomain } from '../config.ts';
import type { FunctionDefinition } from '../functions.ts';
import type { Route } from '../routes.ts';
import { PlatformFunction, type FunctionRuntime } from './platform-function.ts';

export interface ProtocolApiProps {
  readonly stage: string;
  readonly functions: readonly FunctionDefinition[];
  readonly routes: readonly Route[];
  readonly runtime: FunctionRuntime;
  /** Served by API Gateway itself; leave out when CloudFront carries the domain. */
  readonly customDomain?: CustomDomain;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
}

const httpMethods = new Set<string>(Object.values(HttpMethod));

const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    latency: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
    userAgent: '$context.identity.userAgent',
  }),
);

/**
 * The API Gateway HTTP API and one Lambda per protocol behind it: a route for every entry
 * of the route table in infra/routes.ts, each integrated with the function that serves it.
 */
export class ProtocolApi extends Construct {
  readonly httpApi: HttpApi;
  readonly functions: ReadonlyMap<string, PlatformFunction>;
  /** The URL clients reach the API at without CloudFront: the custom domain or execute-api. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ProtocolApiProps) {
    super(scope, id);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `identity-${props.stage}`,
      description: 'Identity platform protocol endpoints (OIDC, OAuth 2, SAML 2.0, SCIM 2.0, hosted pages)',
      createDefaultStage: false,
      // With a custom domain, clients must come through it (and its TLS policy).
      disableExecuteApiEndpoint: props.customDomain !== undefined,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.runtime.logRetention });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat },
    });

    const functions = new Map<string, PlatformFunction>();
    for (const definition of props.functions) {
      functions.set(definition.name, new PlatformFunction(this, `${definition.name}Function`, { definition, runtime: props.runtime }));
    }
    this.functions = functions;
    this.addRoutes(props.routes);

    if (props.customDomain) {
      const domainName = new DomainName(this, 'DomainName', {
        domainName: props.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      new ApiMapping(this, 'ApiMapping', { api: this.httpApi, domainName, stage });
      this.url = `https://${props.customDomain.domainName}`;
    } else {
      this.url = this.httpApi.apiEndpoint;
    }
  }

  private addRoutes(routes: readonly Route[]): void {
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of routes) {
      const fn = this.functions.get(route.functionName);
      if (!fn) throw new Error(`route ${route.routeKey} names function ${route.functionName}, which the catalogue does not define`);
      if (!httpMethods.has(route.method)) throw new Error(`route ${route.routeKey}: API Gateway has no method ${route.method}`);
      let integration = integrations.get(route.functionName);
      if (!integration) {
        // One invoke permission per function for the whole API, not one per route: a function serves
        // up to a hundred routes, and per-route permissions would overflow both the Lambda resource
        // policy (20 KB) and CloudFormation's 500 resources a stack.
        integration = new HttpLambdaIntegration(`${route.functionName}Integration`, fn.function, { scopePermissionToRoute: false });
        integrations.set(route.functionName, integration);
      }
      const httpRoute = new HttpRoute(this, route.routeKey, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, route.method as HttpMethod),
        integration,
      });
      Validations.of(httpRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Public by protocol: OIDC/OAuth 2/SAML/SCIM endpoints and hosted pages authenticate inside the function (client authentication, bearer tokens, signed messages, session cookies) as their specs define',
      });
    }
  }
}
