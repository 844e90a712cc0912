/**
 * Sends one webhook request: an HTTP(S) POST with a deadline, never following a redirect, to an
 * address checked against server-side request forgery at connection time.
 *
 * The guard runs on the address actually connected to: node's `lookup` hook of the request resolves
 * the host name and refuses the connection when any address it returns is not public unicast
 * (loopback, private, link-local, unique-local, carrier-grade NAT, unspecified, multicast, broadcast,
 * reserved, and IPv6 forms embedding one of those: IPv4-mapped, 6to4, Teredo, ... all refused; ranges
 * after ipaddr.js). A literal address in the URL skips the resolver, so it is checked the same way
 * before connecting. A name that resolves to a public address when the endpoint is saved and to
 * 127.0.0.1 later (DNS rebinding) is therefore still refused. `allowPrivate` (the operator's
 * LATCHKEY_WEBHOOK_ALLOW_PRIVATE=true) lifts the guard, for receivers on the same network and tests.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/** Options of {@link sendWebhook}. */
export interface SendOptions {
  /** Whole-request deadline, milliseconds. */
  readonly timeoutMs: number;
  /** Allow private, loopback and link-local destinations. */
  readonly allowPrivate: boolean;
  /** How much of the answer to keep for the delivery log, bytes. */
  readonly keepResponseBytes: number;
}

/** The outcome of one attempt. `statusCode` null: no HTTP answer (refused, timed out, failed). */
export interface SendResult {
  readonly statusCode: number | null;
  readonly durationMs: number;
  /** The first bytes of the answer's body, as text. */
  readonly responseExcerpt: string;
  /** Why there was no answer, for the delivery log; null when there was one. */
  readonly error: string | null;
}

/** Raised (and logged as the attempt's error) when the destination is not a public address. */
export class DestinationRefused extends Error {
  constructor(address: string) {
    super(`destination ${address} is not a public address (set LATCHKEY_WEBHOOK_ALLOW_PRIVATE=true to allow it)`);
    this.name = "DestinationRefused";
  }
}

/**
 * Whether an IP address may be connected to without the opt-in: public unicast only.
 *
 * @param address an IPv4 or IPv6 address in text form.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that refuses any non-public address unless allowed. */
function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true } as { all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (refused !== undefined) return callback(Object.assign(new DestinationRefused(refused.address), { code: "EDESTINATIONREFUSED" }), []);
      if (options.all === true) return callback(null, addresses);
      const first = addresses[0];
      if (first === undefined) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * POSTs `body` to `url` with `headers`; never throws.
 *
 * @param url an http: or https: URL (checked when the endpoint was saved).
 * @param body the JSON text to send.
 * @param headers request headers (the Standard Webhooks headers and content type).
 */
export function sendWebhook(url: URL, body: string, headers: Readonly<Record<string, string>>, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    let deadline: NodeJS.Timeout | undefined;
    const finish = (result: Omit<SendResult, "durationMs">): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve({ ...result, durationMs: elapsed() });
    };
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) !== 0 && !options.allowPrivate && !isPublicAddress(host)) {
      finish({ statusCode: null, responseExcerpt: "", error: new DestinationRefused(host).message });
      return;
    }
    const transport = url.protocol === "https:" ? https : http;
    const request = transport.request(url, {
      method: "POST",
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)), "user-agent": "latchkey-webhooks/1" },
      lookup: guardedLookup(options.allowPrivate) as unknown as typeof dnsLookup,
      agent: false,
    });
    deadline = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on("error", (error: Error) => finish({ statusCode: null, responseExcerpt: "", error: error.message }));
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on("data", (chunk: Buffer) => {
        if (kept < options.keepResponseBytes) {
          chunks.push(chunk.subarray(0, options.keepResponseBytes - kept));
          kept += Math.min(chunk.length, options.keepResponseBytes - kept);
        }
        if (kept >= options.keepResponseBytes) response.destroy();
      });
      const done = (): void => finish({ statusCode: response.statusCode ?? null, responseExcerpt: excerptOf(Buffer.concat(chunks)), error: null });
      response.on("end", done);
      response.on("close", done);
      response.on("error", done);
    });
    request.end(body);
  });
}

/** The kept bytes as printable text (control characters dropped, a cut character replaced). */
function excerptOf(bytes: Buffer): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point
  return bytes.toString("utf8").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
}
