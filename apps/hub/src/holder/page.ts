import { fileURLToPath } from 'node:url';
import type { Language } from '../dashboard/html';
import { PageBundle } from '../web/page-bundle';

const WEB = fileURLToPath(new URL('./web/', import.meta.url));

/** The page's shell: the script reads the path (/qr/<code>, /qr/account, /qr/login) and fills it. */
export function holderShell(language: Language): string {
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Fedow</title>
<link rel="stylesheet" href="/qr/style.css">
<link rel="icon" href="data:,">
<script type="module" src="/qr/app.js"></script>
</head>
<body>
<noscript>JavaScript is needed / JavaScript est nécessaire.</noscript>
<main id="app"></main>
</body>
</html>`;
}

/** The page's script and style, bundled as the dashboard's. */
export function holderAssets(): PageBundle {
  return new PageBundle(WEB, 'the card holder’s page');
}
