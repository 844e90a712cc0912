/**
 * A test double for a silent network failure: a TCP proxy (node:net) in front of PostgreSQL that can
 * stop forwarding its connections without closing them, as a partition or a stuck middlebox would.
 * Neither end sees a reset or a FIN: bytes simply stop arriving, which only a liveness check notices.
 */
import { once } from "node:events";
import { createServer, connect, type Server, type Socket } from "node:net";

/** A running proxy. */
export interface FreezingProxy {
  /** Port the proxy listens on (127.0.0.1). */
  readonly port: number;
  /** Connections made through the proxy so far (frozen or not). */
  readonly connections: number;
  /** Stops forwarding every connection open now, both ways, without closing any (later ones are forwarded). */
  freeze(): void;
  /** Closes the proxy and every connection. */
  close(): Promise<void>;
}

/** Starts a proxy to `host:port` on a free loopback port. */
export async function startFreezingProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<FreezingProxy> {
  const pairs: { client: Socket; upstream: Socket; frozen: boolean }[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    const pair = { client, upstream, frozen: false };
    pairs.push(pair);
    // Forwarded by hand, not piped, so that a frozen pair drops what arrives instead of passing it on.
    client.on("data", (chunk) => {
      if (!pair.frozen) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!pair.frozen) client.write(chunk);
    });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => {
      if (!pair.frozen) upstream.destroy();
    });
    upstream.on("close", () => {
      if (!pair.frozen) client.destroy();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("proxy has no port");
  return {
    port: address.port,
    get connections() {
      return pairs.length;
    },
    freeze() {
      for (const pair of pairs) pair.frozen = true;
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
