import type { HolderConfig } from '../config';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import type { Mailer } from './mailer';

/** What the card holder's page works with: the hub, its settings, and e-mail when configured. */
export interface Holder {
  context: HubContext;
  config: HolderConfig;
  /** Null without SMTP_URL: the page then hides sign-in, transfers and everything that needs an account. */
  mailer: Mailer | null;
}

export function requireMailer(holder: Holder): Mailer {
  if (holder.mailer === null) throw new HubError('email_not_configured', 'this hub sends no e-mail (SMTP_URL is not set): accounts and transfers are off');
  return holder.mailer;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EMAIL_CHARS_MAX = 254;

/** An e-mail address, trimmed and lower-cased, or a typed refusal. */
export function normaliseEmail(text: string): string {
  const email = text.trim().toLowerCase();
  if (email.length > EMAIL_CHARS_MAX || !EMAIL.test(email)) throw new HubError('bad_request', 'this is not an e-mail address');
  return email;
}
