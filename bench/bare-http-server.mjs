/**
 * Ceiling 2: a bare node:http server that reads the request body and answers 200 with a small JSON
 * body, the least any HTTP verifier on Node.js can do. Loaded with the same tool and settings as
 * latchkey's verify endpoint.
 *
 * Usage: node bench/bare-http-server.mjs PORT   (listens on 127.0.0.1 until SIGTERM)
 */
import { createServer } from "node:http";

const port = Number(process.argv[2]);
const body = JSON.stringify({ allowed: true, status: 200, code: "ok" });
const server = createServer((request, response) => {
  request.on("data", () => undefined);
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
    response.end(body);
  });
});
server.listen(port, "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
