/**
 * Finding a modem's tty by its USB identity. A modem that resets re-enumerates, and the kernel may
 * hand out the next free index (ttyUSB2 comes back as ttyUSB3); the USB vendor, product, serial and
 * interface number stay the same. Read from sysfs: /sys/class/tty/<name>/device is the USB interface,
 * its parent the USB device.
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface UsbIdentity {
  /** Four hex digits, lower case, e.g. `2c7c` (Quectel). */
  readonly vendorId: string;
  readonly productId: string;
  readonly serial: string | null;
  /** `bInterfaceNumber` as two hex digits (`02` is the AT port of an EC25). */
  readonly interfaceNumber: string | null;
}

export interface SysPaths {
  /** Default `/sys`. */
  readonly sysRoot: string;
  /** Default `/dev`. */
  readonly devRoot: string;
}

export const DEFAULT_SYS_PATHS: SysPaths = { sysRoot: '/sys', devRoot: '/dev' };

const readAttr = (dir: string, name: string): Promise<string | null> =>
  readFile(join(dir, name), 'utf8').then(
    (s) => s.trim(),
    () => null,
  );

/** The USB identity of a tty, or null when it is not a USB device (UART, PTY). */
export async function usbIdentityOf(
  ttyPath: string,
  paths: SysPaths = DEFAULT_SYS_PATHS,
): Promise<UsbIdentity | null> {
  // The name itself first (/dev/ttyUSB2), then what a link resolves to (/dev/serial/by-id/… → ttyUSB2).
  const direct = await usbIdentityOfName(basename(ttyPath), paths);
  if (direct !== null) return direct;
  const real = await realpath(ttyPath).catch(() => null);
  if (real === null) return null;
  return usbIdentityOfName(basename(real), paths);
}

async function usbIdentityOfName(name: string, paths: SysPaths): Promise<UsbIdentity | null> {
  const iface = await realpath(join(paths.sysRoot, 'class', 'tty', name, 'device')).catch(() => null);
  if (iface === null) return null;
  // ttyUSB (usb-serial) sits one level below the interface; ttyACM is the interface itself.
  for (const dir of [iface, dirname(iface)]) {
    const interfaceNumber = await readAttr(dir, 'bInterfaceNumber');
    if (interfaceNumber === null) continue;
    const dev = dirname(dir);
    const vendorId = await readAttr(dev, 'idVendor');
    const productId = await readAttr(dev, 'idProduct');
    if (vendorId === null || productId === null) return null;
    return {
      vendorId: vendorId.toLowerCase(),
      productId: productId.toLowerCase(),
      serial: await readAttr(dev, 'serial'),
      interfaceNumber,
    };
  }
  return null;
}

export function sameUsbIdentity(a: UsbIdentity, b: UsbIdentity): boolean {
  return (
    a.vendorId === b.vendorId &&
    a.productId === b.productId &&
    a.serial === b.serial &&
    a.interfaceNumber === b.interfaceNumber
  );
}

/** The device path (`/dev/ttyUSB3`) of the tty with this USB identity, or null. */
export async function findTtyByUsb(
  id: UsbIdentity,
  paths: SysPaths = DEFAULT_SYS_PATHS,
): Promise<string | null> {
  const names = await readdir(join(paths.sysRoot, 'class', 'tty')).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const got = await usbIdentityOfName(name, paths);
    if (got && sameUsbIdentity(got, id)) return join(paths.devRoot, name);
  }
  return null;
}
