/**
 * What every response of the page's server carries. The page only ever loads its own files and
 * talks to its own API, so the policy allows exactly that: no inline script or style, no other
 * origin, no framing, no forms posting anywhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Bound to loopback, the server answers only requests addressed to a loopback name: a web page
 * elsewhere that points its own domain name at 127.0.0.1 (DNS rebinding) would otherwise read the
 * incidents through the victim's browser. Bound to another address on purpose, any name goes.
 */
export function hostAllowed(boundHost: string, port: number, hostHeader: string | undefined): boolean {
  if (!isLoopbackHost(boundHost)) return true;
  if (hostHeader === undefined) return false;
  const match = /^(\[[0-9a-fA-F:]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader);
  if (match === null) return false;
  const [, name, portText] = match;
  return name !== undefined && isLoopbackHost(name.toLowerCase()) && Number(portText ?? 80) === port;
}
