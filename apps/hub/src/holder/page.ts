import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Language } from '../dashboard/html';

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

/**
 * The page's script, web/*.ts bundled by esbuild into memory at the first request,
 * as the dashboard's: the hub has no build step. A failed build is not cached.
 */
export class HolderAssets {
  private script: Promise<string> | null = null;
  private style: Promise<string> | null = null;

  bundle(): Promise<string> {
    this.script ??= buildScript().catch((error: unknown) => {
      this.script = null;
      throw error;
    });
    return this.script;
  }

  css(): Promise<string> {
    this.style ??= readFile(`${WEB}style.css`, 'utf8');
    return this.style;
  }
}

async function buildScript(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [`${WEB}main.ts`],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output for the card holder’s page');
  return output.text;
}
