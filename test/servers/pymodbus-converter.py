"""A Modbus TCP-to-RTU converter built from pymodbus 3.0 parts (Debian python3-pymodbus), for tests of our client.

Serves Modbus TCP on 127.0.0.1:PORT (--tcp PORT, 0 picks a free port) and forwards each read (functions 1 to 4)
as Modbus RTU, with the unit id of the TCP request, onto a serial device (--serial PATH) through pymodbus's
serial client. Nothing is cached or answered locally: what comes back is what the unit on the line said.

- One request at a time on the line: the serial client blocks the server's event loop while it waits for the
  answer, so a second TCP request waits its turn, as behind a real converter.
- A unit that does not answer within --rtu-timeout seconds: exception 11
  (GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND), as most converters answer; with --silent, no answer at all, as
  the others do.
- A unit that answers with an exception: exception 2 (ILLEGAL_DATA_ADDRESS). pymodbus's request handler
  has no other outcome for a refused read, and it is the only exception a pymodbus unit gives to a read
  whose count is in range (counts out of range get exception 3 here before anything is forwarded).
- Writes are not forwarded (exception 4): the gateway only reads.

Prints one line "READY <port>" on stdout once it serves. pymodbus.datastore.remote.RemoteSlaveContext is not
used: in 3.0 it turns a silent unit into exception 2, as if the unit had refused the address, and passes
the unit id as the deprecated unit= (logging an error on every request).

Run with Debian's interpreter, /usr/bin/python3 (the one python3-pymodbus is installed for).
"""

import argparse
import asyncio
import logging
import sys

from pymodbus.client import ModbusSerialClient
from pymodbus.datastore import ModbusServerContext
from pymodbus.exceptions import ModbusIOException, NoSuchSlaveException, NotImplementedException
from pymodbus.interfaces import IModbusSlaveContext
from pymodbus.server.async_io import ModbusTcpServer
from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer

BIT_READS = {1, 2}


class UnitOnLine(IModbusSlaveContext):
    """One unit id behind the converter. The request handler asks validate() first and getValues() right
    after, so validate() does the exchange on the line and keeps the values for getValues()."""

    def __init__(self, line, unit):
        self._unit = unit
        self._values = []
        self._reads = {
            1: line.read_coils,
            2: line.read_discrete_inputs,
            3: line.read_holding_registers,
            4: line.read_input_registers,
        }

    def reset(self):
        raise NotImplementedException("a converter has no registers of its own to reset")

    def validate(self, fc_as_hex, address, count=1):
        read = self._reads.get(fc_as_hex)
        if read is None:
            raise NotImplementedException(f"function {fc_as_hex} is not forwarded")
        answer = read(address, count, slave=self._unit)
        if isinstance(answer, ModbusIOException):
            # Raised here, the handler answers GatewayNoResponse, or nothing with ignore_missing_slaves.
            raise NoSuchSlaveException(f"unit {self._unit} did not answer on the line")
        if answer.isError():
            return False
        # The RTU answer pads bits to whole bytes; the TCP answer must carry exactly `count`.
        self._values = answer.bits[:count] if fc_as_hex in BIT_READS else answer.registers
        return True

    def getValues(self, fc_as_hex, address, count=1):
        return self._values

    def setValues(self, fc_as_hex, address, values):
        raise NotImplementedException("writes are not forwarded")


class Line(ModbusServerContext):
    """Every unit id is forwarded: only the line knows which units are there."""

    def __init__(self, client):
        # single=True makes pymodbus's TCP framer let every unit id through to __getitem__.
        super().__init__(slaves={}, single=True)
        self._client = client

    def __contains__(self, unit):
        return True

    def __getitem__(self, unit):
        return UnitOnLine(self._client, unit)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tcp", type=int, required=True, metavar="PORT", help="serve on 127.0.0.1:PORT")
    parser.add_argument("--serial", required=True, metavar="PATH", help="the RTU line")
    parser.add_argument("--baud", type=int, default=9600)
    parser.add_argument("--parity", choices=["N", "E", "O"], default="N")
    # pymodbus 3.0's client takes whole seconds (it applies int() to the timeout).
    parser.add_argument("--rtu-timeout", type=int, default=1, metavar="SECONDS")
    parser.add_argument("--silent", action="store_true", help="no answer for a unit that does not answer")
    return parser.parse_args()


async def serve(args):
    client = ModbusSerialClient(
        args.serial,
        framer=ModbusRtuFramer,
        baudrate=args.baud,
        parity=args.parity,
        timeout=args.rtu_timeout,
        retries=0,
        retry_on_empty=False,
        # The default closes the port after a silent unit; reopening a pty end races socat for nothing.
        reset_socket=False,
    )
    if not client.connect():
        sys.exit(f"cannot open serial port {args.serial}")
    server = ModbusTcpServer(
        Line(client),
        ModbusSocketFramer,
        address=("127.0.0.1", args.tcp),
        ignore_missing_slaves=args.silent,
    )
    task = asyncio.create_task(server.serve_forever())
    await server.serving
    print(f"READY {server.server.sockets[0].getsockname()[1]}", flush=True)
    await task


def main():
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        asyncio.run(serve(parse_args()))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
