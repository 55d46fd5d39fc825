import type { NetworkInterfaceInfo } from 'node:os';

/**
 * The addresses a till on the local network can reach the hub at: what a cashier
 * types when pairing. 127.0.0.1 is never one (it is the till's own machine). A hub
 * listening on loopback only has none: the page then says how to open it (HOST).
 */
export function lanAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>, host: string, port: number, protocol: string): string[] {
  const url = (address: string) => `${protocol}://${address.includes(':') ? `[${address}]` : address}:${port}`;
  if (isLoopback(host)) return [];
  if (host !== '0.0.0.0' && host !== '::') return [url(host)];
  const addresses = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    // IPv4 first, and no link-local IPv6 (it needs a zone id no till would type).
    .filter((info) => !info.internal && (info.family === 'IPv4' || (host === '::' && !info.address.startsWith('fe80:'))))
    .sort((a, b) => (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1));
  return addresses.map((info) => url(info.address));
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
