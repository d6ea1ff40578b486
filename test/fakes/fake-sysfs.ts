/**
 * A sysfs tree in a temp dir, shaped like the kernel's for USB serial ports:
 *   <root>/sys/bus/usb/devices/1-1/{idVendor,idProduct,serial}
 *   <root>/sys/bus/usb/devices/1-1/1-1:1.<if>/{bInterfaceNumber}/<ttyUSBn>/
 *   <root>/sys/class/tty/<ttyUSBn>/device -> ../../bus/usb/devices/1-1/1-1:1.<if>/<ttyUSBn>
 *   <root>/dev/<ttyUSBn> -> the real device (a PTY in the HIL rig)
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SysPaths, UsbIdentity } from '../../modem/engine/usb-find.js';

export class FakeSysfs {
  readonly root = mkdtempSync(join(tmpdir(), 'ztgw-sysfs-'));
  readonly paths: SysPaths = { sysRoot: join(this.root, 'sys'), devRoot: join(this.root, 'dev') };

  constructor() {
    mkdirSync(join(this.paths.sysRoot, 'class', 'tty'), { recursive: true });
    mkdirSync(this.paths.devRoot, { recursive: true });
  }

  /** Adds a USB tty `name` with identity `id`, its /dev entry pointing at `target`; returns the /dev path. */
  addUsbTty(name: string, id: UsbIdentity, target: string, usbPath = '1-1'): string {
    const dev = join(this.paths.sysRoot, 'bus', 'usb', 'devices', usbPath);
    const iface = join(dev, `${usbPath}:1.${Number.parseInt(id.interfaceNumber ?? '0', 16)}`);
    mkdirSync(join(iface, name), { recursive: true });
    writeFileSync(join(dev, 'idVendor'), `${id.vendorId}\n`);
    writeFileSync(join(dev, 'idProduct'), `${id.productId}\n`);
    if (id.serial !== null) writeFileSync(join(dev, 'serial'), `${id.serial}\n`);
    writeFileSync(join(iface, 'bInterfaceNumber'), `${id.interfaceNumber ?? '00'}\n`);
    const cls = join(this.paths.sysRoot, 'class', 'tty', name);
    mkdirSync(cls, { recursive: true });
    symlinkSync(join(iface, name), join(cls, 'device'));
    const devPath = join(this.paths.devRoot, name);
    symlinkSync(target, devPath);
    return devPath;
  }

  /** The tty disappears (USB re-enumeration). */
  removeTty(name: string): void {
    rmSync(join(this.paths.sysRoot, 'class', 'tty', name), { recursive: true, force: true });
    try {
      unlinkSync(join(this.paths.devRoot, name));
    } catch {
      // already gone
    }
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
