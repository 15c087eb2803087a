import type { IncomingMessage } from 'node:http';

/**
 * The address a request came from, as rate limits key it: the socket's peer, or (with
 * `trustProxy`) the last address in `X-Forwarded-For`, the one the reverse proxy itself saw.
 * IPv4 addresses mapped into IPv6 (`::ffff:127.0.0.1`) are given as IPv4.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const list = Array.isArray(header) ? header.join(',') : header;
    const last = list?.split(',').at(-1)?.trim();
    if (last) return unmapped(last);
  }
  return unmapped(req.socket.remoteAddress ?? 'unknown');
}

function unmapped(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
