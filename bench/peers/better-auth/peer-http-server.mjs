/**
 * The peer over HTTP: a node:http server (the lightest a user could put around the plugin) whose
 * POST /verify takes `{"key": "..."}` and answers the plugin's verification as JSON, 200 when valid
 * and 401 when not. The plugin's verifyApiKey is server-only (not among better-auth's own HTTP
 * routes), so an API protected by it calls it like this.
 *
 * Usage: node bench/peers/better-auth/peer-http-server.mjs PORT DATABASE_PATH
 * Prints `ready <key>` once listening; stops on SIGTERM.
 */
import { createServer } from "node:http";
import { openPeer, verifyWithPeer } from "./peer-auth.mjs";

const port = Number(process.argv[2]);
const { auth, key } = await openPeer(process.argv[3]);
const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    let presented = "";
    try {
      presented = String(JSON.parse(Buffer.concat(chunks).toString("utf8")).key ?? "");
    } catch {
      presented = "";
    }
    verifyWithPeer(auth, presented).then(
      (result) => {
        const body = JSON.stringify(result);
        response.writeHead(result.valid ? 200 : 401, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        response.end(body);
      },
      () => {
        response.writeHead(500).end();
      },
    );
  });
});
server.listen(port, "127.0.0.1", () => process.stdout.write(`ready ${key}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
