import { createServer } from 'node:net';

/**
 * A port nobody listens on right now. Another process may take it before the caller binds it, so
 * callers that cannot bind port 0 themselves (a Java child) retry on a bind failure.
 */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error(`No port was assigned on ${host}`));
      });
    });
  });
}
