import type { HttpError } from './errors.ts';
import { isMessageKey, negotiateLocale, translateKnown, translator } from './i18n.ts';
import type { HttpEvent, HttpResponse, RequestState } from './request.ts';
import { wantsHtml } from './request.ts';
import { htmlResponse, json } from './responses.ts';
import { errorPage } from './views/error-page.ts';

const titles: Record<number, string> = {
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 405: 'Method not allowed',
  409: 'Conflict', 412: 'Precondition failed', 413: 'Payload too large', 415: 'Unsupported media type',
  429: 'Too many requests', 500: 'Server error', 503: 'Service unavailable',
};

const titleOf = (status: number) => titles[status] ?? 'Error';

/** RFC 9457 problem details, the error form of the JSON APIs. */
export function problemJson(error: HttpError, _event: HttpEvent, state: RequestState): HttpResponse {
  return json(
    error.status,
    { type: 'about:blank', title: titleOf(error.status), status: error.status, detail: error.message, code: error.code, ...error.details, correlationId: state.correlationId },
    { 'content-type': 'application/problem+json' },
  );
}

/**
 * The same for pages a person reads in their language (the hosted pages, the signup console):
 * the page in the browser's language (Accept-Language: a failed request has no sign-in to ask),
 * its title and the messages the catalogue knows translated; problem details stay English.
 */
export function localizedPageOrProblem(error: HttpError, event: HttpEvent, state: RequestState): HttpResponse {
  const headers = event.headers ?? {};
  if (!wantsHtml(headers)) return problemJson(error, event, state);
  const locale = negotiateLocale(undefined, headers['accept-language']);
  const t = translator(locale);
  const titleKey = `error.title.${error.status}`;
  const title = isMessageKey(titleKey) ? t(titleKey) : t('error.title.other');
  return htmlResponse(error.status, errorPage({ status: error.status, title, message: translateKnown(t, error.message), nonce: state.nonce, correlationId: state.correlationId, locale }));
}

/** An HTML page for people, problem details for programs. */
export function pageOrProblem(error: HttpError, event: HttpEvent, state: RequestState): HttpResponse {
  if (!wantsHtml(event.headers ?? {})) return problemJson(error, event, state);
  return htmlResponse(
    error.status,
    errorPage({ status: error.status, title: titleOf(error.status), message: error.message, nonce: state.nonce, correlationId: state.correlationId }),
  );
}
