import { fileURLToPath } from 'node:url';
import { PageBundle } from '../web/page-bundle';

const WEB = fileURLToPath(new URL('./web/', import.meta.url));

/** The dashboard's script and style (web/), bundled at the first request. */
export function dashboardAssets(): PageBundle {
  return new PageBundle(WEB, 'the dashboard');
}
