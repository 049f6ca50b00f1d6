import { SamlMessageRejected } from '../../shared/domain/saml/inbound-message.ts';
import { HttpError } from '../../shared/http/errors.ts';

/** A refused message before the IdP knows where it may answer: an error page, never a redirect anywhere. */
export const refusal = (reason: string, cause?: unknown) => new HttpError(400, 'invalid_saml_message', `The SAML message was refused: ${reason}.`, { cause });

export function rejectedMessage(error: unknown): unknown {
  return error instanceof SamlMessageRejected ? refusal(error.reason, error) : error;
}

/** Runs a step that reads a message; a refusal becomes the 400 page. */
export async function refusingBadMessages<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw rejectedMessage(error);
  }
}
