/**
 * The upstream of the proxy tests: a tiny Node.js HTTP server that answers 200 to everything and
 * records what reached it (method, request target as received, every X-Latchkey-* header), so a test
 * can check that nothing reached it unchecked.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the upstream received. */
export interface ReceivedRequest {
  readonly method: string;
  /** The request target exactly as received. */
  readonly url: string;
  readonly tokenId: string | undefined;
  readonly scopes: string | undefined;
  readonly domains: string | undefined;
  /** Every `x-latchkey-*` header received, by lower-case name. */
  readonly latchkeyHeaders: Readonly<Record<string, string>>;
}

export interface RecordingUpstream {
  readonly port: number;
  readonly received: readonly ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts the upstream on a free loopback port. */
export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const received: ReceivedRequest[] = [];
  const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(",") : value);
  const server: Server = createServer((req, res) => {
    received.push({
      method: req.method ?? "",
      url: req.url ?? "",
      tokenId: header(req.headers["x-latchkey-token-id"]),
      scopes: header(req.headers["x-latchkey-scopes"]),
      domains: header(req.headers["x-latchkey-domains"]),
      latchkeyHeaders: Object.fromEntries(Object.keys(req.headers).filter((name) => name.startsWith("x-latchkey-")).map((name) => [name, header(req.headers[name]) ?? ""])),
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ upstream: true, method: req.method, url: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
