"""A Modbus server we did not write: pymodbus 3.0 (Debian python3-pymodbus), for tests of our client.

Serves the same register block on every unit id listed with --units, over Modbus TCP (--tcp PORT, 0 picks
a free port) or Modbus RTU on a serial device (--serial PATH). Requests for other unit ids get no answer,
as on a real RS-485 bus. Prints one line "READY <port or path>" on stdout once it serves.

The block, with addresses counted from 0 as on the wire (zero_mode):
  holding registers 0..99:  40000 + address for unit 1; unit n adds (n - 1) * 1000
  input registers   0..49:  30000 + address (+ the same unit offset)
  coils             0..15:  1 at even addresses
  discrete inputs   0..15:  1 at addresses divisible by 3
Anything outside answers exception 2 (illegal data address).

Run with Debian's interpreter, /usr/bin/python3 (the one python3-pymodbus is installed for).
"""

import argparse
import asyncio
import logging
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server.async_io import ModbusSerialServer, ModbusTcpServer
from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer


def unit_context(unit):
    offset = (unit - 1) * 1000
    return ModbusSlaveContext(
        hr=ModbusSequentialDataBlock(0, [40000 + offset + a for a in range(100)]),
        ir=ModbusSequentialDataBlock(0, [30000 + offset + a for a in range(50)]),
        co=ModbusSequentialDataBlock(0, [a % 2 == 0 for a in range(16)]),
        di=ModbusSequentialDataBlock(0, [a % 3 == 0 for a in range(16)]),
        zero_mode=True,
    )


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--tcp", type=int, metavar="PORT", help="serve Modbus TCP on 127.0.0.1:PORT")
    where.add_argument("--serial", metavar="PATH", help="serve Modbus RTU on this serial device")
    parser.add_argument("--baud", type=int, default=9600)
    parser.add_argument("--parity", choices=["N", "E", "O"], default="N")
    parser.add_argument("--units", default="1", help="comma-separated unit ids, e.g. 1,2")
    return parser.parse_args()


async def serve(args):
    units = [int(u) for u in args.units.split(",")]
    context = ModbusServerContext(slaves={u: unit_context(u) for u in units}, single=False)
    if args.tcp is not None:
        # ignore_missing_slaves: silence for an unknown unit, as a device on a bus behind a converter.
        server = ModbusTcpServer(
            context, ModbusSocketFramer, address=("127.0.0.1", args.tcp), ignore_missing_slaves=True
        )
        task = asyncio.create_task(server.serve_forever())
        await server.serving
        where = server.server.sockets[0].getsockname()[1]
    else:
        server = ModbusSerialServer(
            context,
            ModbusRtuFramer,
            port=args.serial,
            baudrate=args.baud,
            parity=args.parity,
            ignore_missing_slaves=True,
        )
        await server.start()
        if server.transport is None:
            sys.exit(f"cannot open serial port {args.serial}")
        task = asyncio.create_task(server.serve_forever())
        where = args.serial
    print(f"READY {where}", flush=True)
    await task


def main():
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        asyncio.run(serve(parse_args()))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
