import { readFile } from 'node:fs/promises';

/**
 * A page's script and style, served by the hub itself (the hub has no build step,
 * and a festival's site has no CDN): `main.ts` of the page's folder bundled by
 * esbuild's JS API into memory, once, at the first request. A failed build is not
 * cached: fixing the file and reloading retries it. Used by the dashboard and the
 * card holder's page.
 */
export class PageBundle {
  private script: Promise<string> | null = null;
  private style: Promise<string> | null = null;

  /** `folder`: the page's web/ folder, ending with a slash; `name` says whose page a failure is. */
  constructor(
    private readonly folder: string,
    private readonly name: string,
  ) {}

  bundle(): Promise<string> {
    this.script ??= this.build().catch((error: unknown) => {
      this.script = null;
      throw error;
    });
    return this.script;
  }

  css(): Promise<string> {
    this.style ??= readFile(`${this.folder}style.css`, 'utf8');
    return this.style;
  }

  private async build(): Promise<string> {
    // Imported when needed: a hub that never serves a page never loads esbuild.
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [`${this.folder}main.ts`],
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
    if (!output) throw new Error(`esbuild produced no output for ${this.name}`);
    return output.text;
  }
}
