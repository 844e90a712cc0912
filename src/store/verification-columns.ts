/**
 * The columns of the verification read, shared by both reads of a token by secret hash: by its current
 * secret (Store.findTokenByHash*) and by its previous one (rotation-store.ts findTokenByPreviousHash*).
 * The previous secret is the same token (issue 13), so both reads give one row shape: its permissions,
 * conditions, canary flag and limits (break test B2-8: a previous secret read without `canary` was no
 * longer bait; B2-9: one read without `token_limits` was unmetered).
 */
/**
 * The select list of the SQLite prepared statements: `t` is the `tokens` row, `l` its `token_limits`
 * row (left joined: `left join token_limits l on l.token_id = t.id`). The domains come as a JSON
 * array in `domains_json` (see {@link verificationRowOfSqlite}).
 */
export const VERIFICATION_COLUMNS_SQL = `t.id, t.account_id, t.name, t.has_full, t.scopes, t.all_domains, t.expires_at, t.paused, t.parent_id, t.not_before, t.allowed_ips, t.canary,
         case when t.all_domains = 1 then '[]' else (
           select json_group_array(json_object('id', d.id, 'name', d.name))
           from token_domains td join domains d on d.id = td.domain_id where td.token_id = t.id) end as domains_json,
         l.limits, l.credits_remaining, l.credits_period, l.version as limits_version`;

/** The `token_limits` columns of the Kysely form of the read (joined as `token_limits`). */
export const VERIFICATION_LIMIT_COLUMNS = [
  "token_limits.limits",
  "token_limits.credits_remaining",
  "token_limits.credits_period",
  "token_limits.version as limits_version",
] as const;

/**
 * A row of {@link VERIFICATION_COLUMNS_SQL} (plus whatever else the statement selects, kept as is) as a
 * verification row (store.ts TokenVerificationRow): `domains_json` parsed, the domains ordered by
 * name. (json_group_array(... order by) costs a temporary B-tree per read; a token has few domains,
 * so they are sorted here instead.)
 */
export function verificationRowOfSqlite<R extends { readonly domains_json: string }>(
  found: R,
): Omit<R, "domains_json"> & { domains: { id: string; name: string }[] } {
  const { domains_json, ...row } = found;
  const domains = (JSON.parse(domains_json) as { id: string; name: string }[]).map((d) => ({ id: d.id, name: d.name }));
  if (domains.length > 1) domains.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...row, domains };
}
