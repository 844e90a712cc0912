// A small API protected by latchkey's Express middleware, deciding in-process (the API shares
// latchkey's database). Run: npm run build && node examples/express/express-example.mjs [PORT=3000]
import express from "express";
import { requireScope } from "latchkey/middleware/express";
import { openDemoLatchkey, printTry, stopOnSignal } from "../demo-tokens.mjs";

const { latchkey, tokens } = await openDemoLatchkey();
const app = express();

app.get("/api/domains", requireScope("domains", { latchkey }), (req, res) => {
  // A request naming no domain is judged on its area alone: answer only the token's domains.
  res.json({ domains: req.latchkey.domains, token: req.latchkey.name });
});
app.delete("/api/domains/:domain", requireScope("domains", { latchkey, domain: (req) => req.params.domain }), (req, res) => {
  res.json({ deleted: req.params.domain });
});
app.post("/api/email", requireScope("email", { latchkey, domain: (req) => req.get("x-domain") }), (req, res) => {
  res.json({ queued: true, domain: req.get("x-domain") });
});
app.get("/api/analytics", requireScope("analytics", { latchkey, domain: (req) => req.query.domain }), (req, res) => {
  res.json({ analytics: [], domain: req.query.domain ?? null });
});
app.get("/health", (_req, res) => res.json({ ok: true }));

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, "127.0.0.1", () => {
  console.log(`Express example listening on http://127.0.0.1:${server.address().port}`);
  printTry(`http://127.0.0.1:${server.address().port}`, tokens);
});
stopOnSignal(async () => {
  await new Promise((resolve) => server.close(resolve));
  await latchkey.close();
});
