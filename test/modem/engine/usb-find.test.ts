import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findTtyByUsb, type UsbIdentity, usbIdentityOf } from '../../../modem/engine/usb-find.js';
import { FakeSysfs } from '../../fakes/fake-sysfs.js';

const EC25: UsbIdentity = { vendorId: '2c7c', productId: '0125', serial: null, interfaceNumber: '02' };

test('reads the USB identity of a tty and finds it again under a new name', async () => {
  const fs = new FakeSysfs();
  try {
    const target = join(fs.root, 'pty-a');
    writeFileSync(target, '');
    const p2 = fs.addUsbTty('ttyUSB2', EC25, target);
    assert.equal(await usbIdentityOf(p2, fs.paths), EC25);
    fs.removeTty('ttyUSB2');
    assert.is(await findTtyByUsb(EC25, fs.paths), null);
    fs.addUsbTty('ttyUSB3', EC25, target, '1-2');
    assert.is(await findTtyByUsb(EC25, fs.paths), join(fs.paths.devRoot, 'ttyUSB3'));
  } finally {
    fs.cleanup();
  }
});

test('another interface of the same modem is not taken for the AT port', async () => {
  const fs = new FakeSysfs();
  try {
    const target = join(fs.root, 'pty');
    writeFileSync(target, '');
    fs.addUsbTty('ttyUSB1', { ...EC25, interfaceNumber: '01' }, target);
    assert.is(await findTtyByUsb(EC25, fs.paths), null);
  } finally {
    fs.cleanup();
  }
});

test('a tty that is not USB (PTY, UART) has no identity', async () => {
  const fs = new FakeSysfs();
  try {
    assert.is(await usbIdentityOf('/dev/null', fs.paths), null);
  } finally {
    fs.cleanup();
  }
});

test.run();
