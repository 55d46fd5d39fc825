import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('./web/', import.meta.url));

/**
 * The page's script: web/*.ts bundled by esbuild's JS API into memory, once, at the
 * first request (the hub has no build step, and the festival site has no CDN). A
 * failed build is not cached: fixing the file and reloading retries it.
 */
export class DashboardAssets {
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
  // Imported when needed: a hub that never serves the dashboard never loads esbuild.
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
  if (!output) throw new Error('esbuild produced no output for the dashboard');
  return output.text;
}
