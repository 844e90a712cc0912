/**
 * The CLI in its own terms: a refusal names the flag or argument the person typed (`<name>` of
 * `domain add`, not an API field or a `--name` flag that command lacks), and a token or domain is
 * named by its id or its name wherever one of them is asked for.
 */
import { normalizeDomainName } from "../core/input-rules.js";
import type { DomainDetails } from "../service/domain-service.js";
import type { Latchkey } from "../service/latchkey.js";
import type { ActorContext } from "../service/principal.js";
import { ServiceError } from "../service/service-error.js";
import { UsageError } from "./cli-output.js";

/** API field -> what the command calls it (`--scope`, `<name>`). */
export type FieldTerms = Readonly<Record<string, string>>;

/** A service refusal, with the words of the command that met it. */
export class RefusalInTerms extends Error {
  constructor(
    readonly refusal: ServiceError,
    readonly terms: FieldTerms,
  ) {
    super(refusal.message);
    this.name = "RefusalInTerms";
  }
}

/**
 * Runs `work`; a ServiceError it throws is reported with `terms` for the fields it names.
 *
 * @throws RefusalInTerms wrapping any ServiceError; other errors unchanged.
 */
export async function inTerms<T>(terms: FieldTerms, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof ServiceError ? new RefusalInTerms(error, terms) : error;
  }
}

/**
 * The id of the token a person named by id or by name. An id wins; a name must be the name of exactly
 * one token of the account.
 *
 * @returns the id, or `given` unchanged when no token has it as id or name (the service then answers
 *   not found).
 * @throws UsageError when several tokens share the name, listing their ids.
 */
export async function tokenIdOf(latchkey: Latchkey, actor: ActorContext, given: string): Promise<string> {
  // An id is looked up at once; only a name (or an unknown id) makes the CLI read the list.
  const byId = await latchkey.tokens.show(actor, given).catch((error: unknown) => {
    if (error instanceof ServiceError && error.code === "not_found") return null;
    throw error;
  });
  if (byId !== null) return byId.id;
  const named: string[] = [];
  for (let page = 1; ; page++) {
    const { tokens, total } = await latchkey.tokens.list(actor, { page, limit: 100 });
    for (const token of tokens) {
      if (token.id === given) return token.id;
      if (token.name === given) named.push(token.id);
    }
    if (page * 100 >= total || tokens.length === 0) break;
  }
  if (named.length > 1) throw new UsageError(`${named.length} tokens are named "${given}" (${named.join(", ")}); give the id`);
  return named[0] ?? given;
}

/**
 * The domain a person named by id or by name (any case, a trailing dot ignored), or null when the
 * account has none such.
 */
export async function domainNamed(latchkey: Latchkey, actor: ActorContext, given: string): Promise<DomainDetails | null> {
  const name = normalizeDomainName(given.trim());
  return (await latchkey.domains.list(actor)).find((d) => d.id === given || d.name === name) ?? null;
}
