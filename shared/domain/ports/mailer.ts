export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
  /** Resolves when the mail service answers; rejects with the reason otherwise. */
  check(): Promise<void>;
}
