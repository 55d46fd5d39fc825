/** Where the hub keeps its data when DATABASE_URL is not set. */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/fedow.sqlite';

export type DatabaseTarget =
  | { dialect: 'sqlite'; path: string | ':memory:' }
  | { dialect: 'postgres'; url: string };

/**
 * `sqlite:<path>` (relative to the working directory; `sqlite:///abs/path` works too),
 * `sqlite::memory:`, or `postgres://…` / `postgresql://…`.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  if (url.startsWith('sqlite:')) {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new Error(`DATABASE_URL ${url}: the SQLite path is empty`);
    return { dialect: 'sqlite', path };
  }
  throw new Error(`DATABASE_URL ${redactUrl(url)}: expected sqlite:<path>, sqlite::memory: or postgres://…`);
}

/** The URL without its password. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
