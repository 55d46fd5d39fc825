/** The two server-rendered pages: the login form and the shell the script fills. */

import type { Language } from '@fedow/protocol/words';

export type { Language };

/** French when the browser prefers it to English, else English. */
export function languageOf(acceptLanguage: string | undefined): Language {
  let best: { language: Language; quality: number } | null = null;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const language = tag.startsWith('fr') ? 'fr' : tag.startsWith('en') ? 'en' : null;
    if (!language) continue;
    const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    const quality = q === undefined ? 1 : Number(q);
    if (!best || quality > best.quality) best = { language, quality };
  }
  return best?.language ?? 'en';
}

const LOGIN_WORDS = {
  en: { title: 'Fedow — operator login', token: 'Operator token', submit: 'Log in', refused: 'Unknown operator token.', limited: 'Too many failed attempts: wait a minute.', hint: 'The token was printed once, when the hub first started.' },
  fr: { title: 'Fedow — connexion opérateur', token: "Jeton d'opérateur", submit: 'Se connecter', refused: "Jeton d'opérateur inconnu.", limited: 'Trop de tentatives : attendez une minute.', hint: 'Le jeton a été affiché une fois, au premier démarrage du hub.' },
} as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function loginPage(language: Language, error: 'refused' | 'limited' | null): string {
  const words = LOGIN_WORDS[language];
  const message = error === null ? '' : `<p class="login-error" role="alert" id="login-error">${escapeHtml(words[error])}</p>`;
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(words.title)}</title>
<link rel="stylesheet" href="/dashboard/style.css">
<link rel="icon" href="data:,">
</head>
<body class="login">
<form method="post" action="/dashboard/login" class="login-form">
<h1>Fedow</h1>
<label for="token">${escapeHtml(words.token)}</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
${message}
<button type="submit">${escapeHtml(words.submit)}</button>
<p class="hint">${escapeHtml(words.hint)}</p>
</form>
</body>
</html>`;
}

export function shellPage(language: Language): string {
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fedow</title>
<link rel="stylesheet" href="/dashboard/style.css">
<link rel="icon" href="data:,">
<script type="module" src="/dashboard/app.js"></script>
</head>
<body>
<noscript>JavaScript is needed / JavaScript est nécessaire.</noscript>
<div id="app"></div>
</body>
</html>`;
}

/** The page loads nothing from elsewhere: a festival hub may have no internet. */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
