// A small API protected by latchkey's Hono middleware, deciding remotely: it calls a latchkey
// service's POST /v1/verify (started here too, so that one command runs the whole example), with the
// middleware caching nothing (it caches only when subscribed to the change stream, with a verify key). Run: npm run build && node examples/hono/hono-example.mjs [PORT=3001]
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { buildApp } from "latchkey";
import { requireScope } from "latchkey/middleware/hono";
import { openDemoLatchkey, printTry, stopOnSignal } from "../demo-tokens.mjs";

const { latchkey, tokens } = await openDemoLatchkey();
const service = await buildApp(latchkey, { logger: false });
const url = await service.listen({ host: "127.0.0.1", port: 0 });

const app = new Hono();
app.get("/api/domains", requireScope("domains", { url }), (c) => c.json({ domains: c.get("latchkey").domains }));
app.delete("/api/domains/:domain", requireScope("domains", { url, domain: (c) => c.req.param("domain") }), (c) => c.json({ deleted: c.req.param("domain") }));
app.post("/api/email", requireScope("email", { url, domain: (c) => c.req.header("x-domain") }), (c) => c.json({ queued: true }));
app.get("/api/analytics", requireScope("analytics", { url, domain: (c) => c.req.queries("domain") }), (c) => c.json({ analytics: [] }));
app.get("/health", (c) => c.json({ ok: true }));

const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: Number(process.env.PORT ?? 3001) }, (info) => {
  console.log(`Hono example listening on http://127.0.0.1:${info.port} (latchkey at ${url})`);
  printTry(`http://127.0.0.1:${info.port}`, tokens);
});
stopOnSignal(async () => {
  await new Promise((resolve) => server.close(resolve));
  await service.close();
  await latchkey.close();
});
