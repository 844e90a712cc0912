/**
 * An Express API for the proxies part of the benchmark (bench/proxy-section.mjs): GET
 * /v1/domains/:domain answering a small JSON body, either bare or guarded in-process by latchkey's
 * `requireScope("domains")` (latchkey/middleware/express) on the benchmark's SQLite database.
 *
 * Usage: node bench/express-server.mjs PORT DATABASE_PATH bare|guarded   (127.0.0.1 until SIGTERM)
 */
import express from "express";
import { Latchkey } from "../dist/index.js";
import { requireScope } from "../dist/middleware/express-middleware.js";

const [port, databasePath, mode] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
if (mode !== "bare" && mode !== "guarded") throw new Error(`mode must be bare or guarded, not ${mode}`);
const latchkey = mode === "guarded" ? await Latchkey.open({ databaseUrl: `sqlite:${databasePath}` }) : null;
const app = express();
const answer = (_req, res) => res.json({ allowed: true, status: 200, code: "ok" });
if (latchkey === null) app.get("/v1/domains/:domain", answer);
else app.get("/v1/domains/:domain", requireScope("domains", { latchkey, domain: (req) => req.params.domain }), answer);
const server = app.listen(port, "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () =>
  server.close(async () => {
    await latchkey?.close();
    process.exit(0);
  }),
);
