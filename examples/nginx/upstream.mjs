// The example's protected API: a plain Node.js server that trusts nginx, which lets a request through
// only after latchkey allowed it, and reads who called from the X-Latchkey-* headers nginx adds.
import { createServer } from "node:http";

/** Starts the upstream on 127.0.0.1:port (0: any free port); resolves to the server. */
export function startUpstream(port) {
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        method: req.method,
        path: req.url,
        token_id: req.headers["x-latchkey-token-id"] ?? null,
        scopes: req.headers["x-latchkey-scopes"]?.split(",") ?? [],
        domains: req.headers["x-latchkey-domains"] ?? null,
      }),
    );
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}
