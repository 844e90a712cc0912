// Shared by the examples: a latchkey on an in-memory database with one domain and three tokens.
// The secrets are printed because this is a demo; a real deployment shows a secret once, to its owner.
import { Latchkey } from "latchkey";

/** Opens latchkey and makes the demo's domain and tokens. */
export async function openDemoLatchkey() {
  const latchkey = await Latchkey.open({ databaseUrl: "sqlite::memory:" });
  const actor = { principal: await latchkey.operator("default"), ip: null };
  await latchkey.domains.add(actor, "example.com");
  await latchkey.domains.add(actor, "other.org");
  const make = async (name, input) => (await latchkey.tokens.create(actor, { name, ...input })).secret;
  const tokens = {
    READER: await make("reader", { scopes: ["domains_read", "analytics_read"] }),
    SENDER: await make("sender", { scopes: ["email_full"], domains: [(await latchkey.domains.list(actor)).find((d) => d.name === "example.com").id] }),
    ADMIN: await make("admin", { hasFull: true }),
  };
  return { latchkey, tokens };
}

/** Prints the tokens as shell assignments and the curl lines to try. */
export function printTry(baseUrl, tokens) {
  for (const [name, secret] of Object.entries(tokens)) console.log(`${name}=${secret}`);
  console.log(`
Try (paste the three lines above first):
  curl -i ${baseUrl}/api/domains -H "Authorization: Bearer $READER"                                  # 200
  curl -i -X DELETE ${baseUrl}/api/domains/example.com -H "Authorization: Bearer $READER"            # 403 scope_missing
  curl -i -X POST ${baseUrl}/api/email -H "X-Domain: example.com" -H "Authorization: Bearer $SENDER" # 200
  curl -i -X POST ${baseUrl}/api/email -H "X-Domain: other.org" -H "Authorization: Bearer $SENDER"   # 403 domain_not_allowed
  curl -i ${baseUrl}/api/domains                                                                     # 401 token_missing
Ctrl-C stops it.`);
}

/** Runs `stop` on Ctrl-C or SIGTERM, then exits. */
export function stopOnSignal(stop) {
  const handler = () => {
    stop().finally(() => process.exit(0));
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
}
