/**
 * The serial port shell: the only module that imports `serialport`. Everyone else sees SerialLink.
 */
import { constants as fsc } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import { ZtgwError } from '../errors.js';
import { findPortHolders, type PortHolder } from './port-holder.js';

/** A byte pipe to the modem. `write` resolves once the bytes have left the UART (tcdrain). */
export interface SerialLink {
  readonly path: string;
  write(data: Uint8Array): Promise<void>;
  /** Subscribes to incoming bytes; returns the unsubscribe function. */
  onData(listener: (chunk: Buffer) => void): () => void;
  /** Called once when the port closes; `err` is set when it vanished (USB unplug, modem reboot). */
  onClose(listener: (err: Error | null) => void): () => void;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Default 115200; USB CDC modems ignore it, UART modems need the right one. */
  readonly baudRate?: number;
  /** Processes holding the port, looked up when it cannot be locked (default: /proc scan). */
  readonly findHolders?: (path: string) => Promise<PortHolder[]>;
}

export const DEFAULT_BAUD_RATE = 115_200;

/** Describes who holds a port, for an error message: `ModemManager (pid 812)`. */
export function describeHolders(holders: readonly PortHolder[]): string {
  return holders.map((h) => `${h.command} (pid ${h.pid})`).join(', ');
}

/**
 * Opens a serial port exclusively (flock) and wraps it. Errors name the cause:
 * SERIAL_NOT_FOUND, SERIAL_PERMISSION, SERIAL_BUSY (with the holders), SERIAL_IO.
 */
export async function openSerialLink(path: string, opts: OpenOptions = {}): Promise<SerialLink> {
  const baudRate = opts.baudRate ?? DEFAULT_BAUD_RATE;
  if (!Number.isInteger(baudRate) || baudRate <= 0)
    throw new TypeError(`baudRate must be a positive integer`);
  const findHolders = opts.findHolders ?? findPortHolders;
  try {
    const st = await stat(path);
    if (!st.isCharacterDevice()) {
      throw new ZtgwError('SERIAL_NOT_FOUND', `${path} is not a serial device (not a character device)`, {
        path,
      });
    }
    await access(path, fsc.R_OK | fsc.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ZtgwError('SERIAL_NOT_FOUND', `no such port: ${path}`, { path }, { cause: e });
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new ZtgwError(
        'SERIAL_PERMISSION',
        `permission denied opening ${path}: add the user to the dialout group or run as the ztgw user`,
        { path },
        { cause: e },
      );
    }
    throw e;
  }
  const port = new SerialPort({ path, baudRate, autoOpen: false, lock: true });
  await new Promise<void>((resolve, reject) => {
    port.open((err) => (err ? reject(err) : resolve()));
  }).catch(async (err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    if (/cannot lock port|resource temporarily unavailable/i.test(msg)) {
      const holders = await findHolders(path);
      const who = holders.length > 0 ? `held by ${describeHolders(holders)}` : 'locked by another process';
      throw new ZtgwError(
        'SERIAL_BUSY',
        `port busy: ${path} is ${who}`,
        {
          path,
          holders: holders.map((h) => ({ pid: h.pid, command: h.command })),
        },
        { cause: err },
      );
    }
    throw new ZtgwError('SERIAL_IO', `cannot open ${path}: ${msg}`, { path }, { cause: err });
  });
  // flock keeps out programs that lock; ModemManager and terminal programs often do not.
  const grabbers = (await findHolders(path)).filter((h) => PORT_GRABBERS.has(h.command));
  if (grabbers.length > 0) {
    await new Promise<void>((resolve) => port.close(() => resolve()));
    throw new ZtgwError(
      'SERIAL_BUSY',
      `port busy: ${path} is also open in ${describeHolders(grabbers)}; two programs on one AT port steal each ` +
        `other's answers${grabbers.some((h) => h.command === 'ModemManager') ? ' (stop ModemManager or set ID_MM_DEVICE_IGNORE=1 for this port in udev)' : ''}`,
      { path, holders: grabbers.map((h) => ({ pid: h.pid, command: h.command })) },
    );
  }
  return wrap(path, port);
}

/**
 * Programs known to talk AT on ports they hold without taking the lock. Anything else holding the
 * port (a PTY's socat, a logger) is left alone.
 */
export const PORT_GRABBERS: ReadonlySet<string> = new Set([
  'ModemManager',
  'minicom',
  'picocom',
  'screen',
  'gpsd',
  'cu',
]);

function wrap(path: string, port: SerialPort): SerialLink {
  let closeErr: Error | null = null;
  port.on('error', (err: Error) => {
    closeErr = err;
  });
  return {
    path,
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(data), (err) => {
          if (err)
            return reject(new ZtgwError('SERIAL_IO', `write to ${path} failed: ${err.message}`, { path }));
          port.drain((err2) =>
            err2
              ? reject(new ZtgwError('SERIAL_IO', `drain of ${path} failed: ${err2.message}`, { path }))
              : resolve(),
          );
        });
      }),
    onData: (listener) => {
      port.on('data', listener);
      return () => port.off('data', listener);
    },
    onClose: (listener) => {
      // serialport passes a DisconnectedError when the device went away.
      const h = (err?: Error | null): void => listener(err ?? closeErr);
      port.once('close', h);
      return () => port.off('close', h);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}
