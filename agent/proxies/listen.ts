/**
 * Binds a server and turns a bind failure into `LISTENER_BIND` naming the address and the cause.
 */
import type { Server } from 'node:net';
import { ZtgwError } from '../../modem/errors.js';

/**
 * `umask`, for a socket path: the process umask while the socket is bound. node binds inside
 * server.listen() itself, synchronously, so the mask is back before anything else runs.
 */
export function listenOn(
  server: Server,
  where:
    | { readonly host: string; readonly port: number }
    | { readonly path: string; readonly umask?: number },
  what: string,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(
        new ZtgwError('LISTENER_BIND', `cannot listen on ${what}: ${err.message}`, {
          listener: what,
          cause: err.code ?? 'unknown',
        }),
      );
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // exclusive: a second agent must not share the port through cluster round-robin.
    if (!('path' in where)) server.listen({ host: where.host, port: where.port, exclusive: true });
    else if (where.umask === undefined) server.listen({ path: where.path, exclusive: true });
    else {
      const oldMask = process.umask(where.umask);
      try {
        server.listen({ path: where.path, exclusive: true });
      } finally {
        process.umask(oldMask);
      }
    }
  });
}
