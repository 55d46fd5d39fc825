/** Where the pairing page tells tills to find the hub: a LAN address, never 127.0.0.1. */
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lanAddresses } from '../src/dashboard/lan';
import { startDashboardHub, type DashboardWorld } from './dashboard-support';

const INTERFACES = {
  lo: [
    { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' },
    { address: '::1', netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', family: 'IPv6', mac: '00:00:00:00:00:00', internal: true, cidr: '::1/128', scopeid: 0 },
  ],
  wlan0: [
    { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: 'fe80::1/64', scopeid: 3 },
    { address: 'fd00::2', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: 'fd00::2/64', scopeid: 0 },
    { address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '192.168.1.20/24' },
  ],
} as const satisfies NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;

describe('the hub’s LAN addresses', () => {
  it('lists the network interfaces of a hub on every address, IPv4 first, never loopback', () => {
    expect(lanAddresses(INTERFACES, '0.0.0.0', 8442, 'http')).toEqual(['http://192.168.1.20:8442']);
    expect(lanAddresses(INTERFACES, '::', 8442, 'https')).toEqual(['https://192.168.1.20:8442', 'https://[fd00::2]:8442']);
  });

  it('gives the one address a hub listens on, and none for loopback', () => {
    expect(lanAddresses(INTERFACES, '192.168.1.20', 80, 'http')).toEqual(['http://192.168.1.20:80']);
    expect(lanAddresses(INTERFACES, '127.0.0.1', 8442, 'http')).toEqual([]);
    expect(lanAddresses(INTERFACES, 'localhost', 8442, 'http')).toEqual([]);
  });
});

describe('the pairing page’s data on a hub listening on every address', () => {
  let hub: DashboardWorld;
  beforeAll(async () => {
    hub = await startDashboardHub({ config: { host: '0.0.0.0' } });
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
  });

  it('answers this machine’s LAN addresses with the port the hub listens on', async () => {
    const login = await fetch(`${hub.base}/dashboard/login`, { method: 'POST', body: new URLSearchParams({ token: hub.token }), redirect: 'manual' });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const answer = await fetch(`${hub.base}/dashboard/api/pairing`, { headers: { cookie } });
    expect(answer.status).toBe(200);
    const info = await answer.json();
    const port = new URL(hub.base).port;
    const expected = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((entry) => !entry.internal && entry.family === 'IPv4')
      .map((entry) => `http://${entry.address}:${port}`);
    expect(info.addresses).toEqual(expected);
    expect(info.loopbackOnly).toBe(false);
    expect(info.addresses.some((address: string) => address.includes('127.0.0.1'))).toBe(false);
  }, 30_000);
});
