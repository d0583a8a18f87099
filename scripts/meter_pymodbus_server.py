#!/usr/bin/env python3
"""A pymodbus RTU server on a serial device (one end of a socat pty pair) serving Eastron
SDM-style energy registers: input registers 0x0048/0x0049 total import and 0x004A/0x004B total
export active energy as IEEE float32 kWh, high word first. Used by
scripts/test-extras.d/40-meter-pymodbus.sh as an independent peer for `gridclear meter read`.

usage: meter_pymodbus_server.py DEVICE SLAVE IMPORT_KWH EXPORT_KWH
"""
import logging
import struct
import sys

from pymodbus.datastore import ModbusDeviceContext, ModbusSequentialDataBlock, ModbusServerContext
from pymodbus.server import StartSerialServer


def main():
    device, slave, imp, exp = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    logging.basicConfig(level=logging.ERROR)
    regs = [0] * 0x60
    for base, kwh in ((0x48, imp), (0x4A, exp)):
        hi, lo = struct.unpack(">HH", struct.pack(">f", kwh))
        regs[base], regs[base + 1] = hi, lo
    # pymodbus 3.x maps protocol address a to block index a + 1; the block starts at 1 so
    # protocol register 0x48 reads regs[0x48].
    block = ModbusSequentialDataBlock(1, regs)
    device_ctx = ModbusDeviceContext(ir=block, hr=ModbusSequentialDataBlock(1, regs))
    context = ModbusServerContext(devices={slave: device_ctx}, single=False)
    StartSerialServer(context=context, port=device, baudrate=9600, bytesize=8, parity="N", stopbits=1, timeout=0.05)


if __name__ == "__main__":
    main()
