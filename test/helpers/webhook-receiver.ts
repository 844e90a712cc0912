/**
 * A real HTTP receiver for webhook tests: records every request (the Standard Webhooks headers and
 * the raw body) and answers with a status the test chooses (200 by default), so a test can make it
 * fail and recover.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the receiver got. */
export interface ReceivedWebhook {
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The parsed body. */
  readonly json: { type: string; timestamp: string; data: any };
  /** The status the receiver answered with. */
  readonly answered: number;
  /** performance.now() at arrival. */
  readonly at: number;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:PORT/hook */
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedWebhook[];
  /** The requests it answered 2xx. */
  accepted(): ReceivedWebhook[];
  /** Sets the status of the next answers (e.g. 503 to fail, 200 to recover). */
  answerWith(status: number, headers?: Record<string, string>): void;
  /** Waits until `predicate` holds over what was accepted, or fails after `timeoutMs`. */
  waitFor(predicate: (accepted: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** Starts a receiver on a free loopback port. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let status = 200;
  let extraHeaders: Record<string, string> = {};
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]));
      let json: ReceivedWebhook["json"];
      try {
        json = JSON.parse(body);
      } catch {
        json = { type: "", timestamp: "", data: null };
      }
      received.push({ headers, body, json, answered: status, at: performance.now() });
      res.writeHead(status, { "content-type": "text/plain", ...extraHeaders });
      res.end(status < 300 ? "ok thanks" : "receiver is down");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const accepted = (): ReceivedWebhook[] => received.filter((r) => r.answered < 300);
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    accepted,
    answerWith(next, headers = {}) {
      status = next;
      extraHeaders = headers;
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = performance.now() + timeoutMs;
      while (!predicate(accepted())) {
        if (performance.now() > deadline) throw new Error(`receiver: condition not met within ${timeoutMs} ms; got ${received.map((r) => `${r.json.type}:${r.answered}`).join(", ")}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return accepted();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
