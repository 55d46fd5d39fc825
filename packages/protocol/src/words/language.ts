/**
 * The languages people read Fedow in. Declared once here so that the till, the
 * kiosk UI, the dashboard and the card holder's page cannot drift apart.
 */

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

/** One thing said in every language: a missing translation does not compile. */
export type Words = Record<Language, string>;

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}
