#!/usr/bin/env node
// `npm start` runs this before it builds: a port already taken (a latchkey still running, say) is
// told at once, naming LATCHKEY_PORT, instead of after a rebuild under the running server.
// Reads LATCHKEY_HOST and LATCHKEY_PORT as `latchkey serve` does (defaults 127.0.0.1 and 8080);
// exit 0 when the port is free, 1 when it is not.
import { createServer } from "node:net";

const host = process.env.LATCHKEY_HOST?.trim() || "127.0.0.1";
const portText = process.env.LATCHKEY_PORT?.trim() || "8080";
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) {
  process.stderr.write(`error: LATCHKEY_PORT must be a port number 0..65535, not ${JSON.stringify(portText)}\n`);
  process.exit(1);
}
const server = createServer();
server.once("error", (error) => {
  const reason = error.code === "EADDRINUSE" ? "is already in use (is latchkey running already?); stop that process or set LATCHKEY_PORT to a free port" : `cannot be listened on (${error.code ?? error.message})`;
  process.stderr.write(`error: LATCHKEY_PORT ${port} on ${host} ${reason}\n`);
  process.exit(1);
});
server.listen({ host, port, exclusive: true }, () => server.close());
