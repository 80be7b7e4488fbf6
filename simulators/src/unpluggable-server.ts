/**
 * A simulated device's server that its cable can be pulled from and plugged back into (communication
 * loss): offline closes the server and its connections, online serves again on the same port. Shared by
 * the SunSpec inverter and the profile devices.
 */

export interface ClosableServer {
  port: number;
  close(): Promise<void>;
}

export interface UnpluggableServer {
  readonly port: number;
  readonly online: boolean;
  setOnline(online: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Serves on `port` (0: a free one) at once; `serve` starts the server again on the port it got. */
export async function startUnpluggable(
  serve: (port: number) => Promise<ClosableServer>,
  port: number,
  onChange: (online: boolean, port: number) => void = () => {},
): Promise<UnpluggableServer> {
  let server: ClosableServer | null = await serve(port);
  const fixedPort = server.port;
  let closed = false;
  // One change at a time: two "back online" calls would both bind the port; and a server started while
  // close() ran would outlive it.
  let change: Promise<void> = Promise.resolve();
  return {
    port: fixedPort,
    get online() {
      return server !== null;
    },
    setOnline(online) {
      change = change
        .catch(() => undefined)
        .then(async () => {
          if (closed || online === (server !== null)) return;
          if (online) {
            const started = await serve(fixedPort);
            if (closed) {
              await started.close();
              return;
            }
            server = started;
          } else {
            const s = server;
            server = null;
            await s?.close();
          }
          onChange(online, fixedPort);
        });
      return change;
    },
    async close() {
      if (closed) return;
      closed = true;
      await change.catch(() => undefined);
      await server?.close();
      server = null;
    },
  };
}
