/** A TCP port that is free right now on `host`: bind port 0, read the port, close. */
import { createServer } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close((err) =>
        err ? reject(err) : port > 0 ? resolve(port) : reject(new Error('no port assigned')),
      );
    });
  });
}
