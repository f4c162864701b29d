import assert from 'node:assert/strict'
import type { NetworkInterfaceInfo } from 'node:os'
import { test } from 'node:test'
import { dialableHosts, relayMultiaddrs, wsPortOf } from './addresses.ts'

const iface = (address: string, family: 'IPv4' | 'IPv6', internal: boolean) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null }) as unknown as NetworkInterfaceInfo

test('a wildcard host advertises loopback and every external IPv4 address, once each', () => {
  const interfaces = {
    lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
    eth0: [iface('192.168.1.20', 'IPv4', false), iface('fe80::1', 'IPv6', false)],
    wlan0: [iface('10.0.0.5', 'IPv4', false), iface('192.168.1.20', 'IPv4', false)],
  }
  assert.deepEqual(dialableHosts('0.0.0.0', interfaces), ['127.0.0.1', '192.168.1.20', '10.0.0.5'])
  assert.deepEqual(dialableHosts('192.168.1.20', interfaces), ['192.168.1.20'])
})

test('multiaddrs carry the WebSockets port and the relay peer id', () => {
  assert.deepEqual(relayMultiaddrs(['127.0.0.1'], 4001, '12D3KooWtest'), [
    '/ip4/127.0.0.1/tcp/4001/ws/p2p/12D3KooWtest',
  ])
  assert.equal(wsPortOf(['/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3KooWtest']), 4002)
  assert.equal(wsPortOf(['/ip4/127.0.0.1/tcp/4003']), undefined)
})
