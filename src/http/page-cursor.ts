/**
 * Cursors of keyset pagination (issue 10): an opaque `cursor` query parameter names the row a page
 * continues after (the next page) or before (the previous page), so following `links.next` never
 * skips or repeats a row while rows are added or deleted between reads. The text is base64url of
 * `a:<id>` or `b:<id>`; it is a position, not a credential (it holds nothing the list does not show).
 * MailerSend's `page` is still accepted; a request gives one or the other.
 */
import type { KeysetPageRequest, PagePosition } from "../service/token-visibility.js";
import { validationError } from "../service/service-error.js";

/** An id as ids are made (`tok_...`, `aud_...`): what a cursor may name. */
const CURSOR_ID = /^[a-z]{1,16}_[0-9a-z]{1,64}$/;

/** The cursor text of a position after (`a`) or before (`b`) a row. */
export function encodeCursor(direction: "after" | "before", id: string): string {
  return Buffer.from(`${direction === "after" ? "a" : "b"}:${id}`, "utf8").toString("base64url");
}

/**
 * The page request of a list's query.
 *
 * @param query `page` (1-based), `limit` (already checked by the schema) and `cursor`.
 * @throws ServiceError validation_failed naming `cursor` (not one of ours, or given with `page`).
 */
export function pageRequestOf(query: { page?: number; limit?: number; cursor?: string }): KeysetPageRequest {
  const limit = query.limit ?? 25;
  if (query.cursor === undefined) return { limit, position: { kind: "page", page: query.page ?? 1 } };
  if (query.page !== undefined) throw validationError({ cursor: ["Give page or cursor, not both."] });
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(query.cursor) ? Buffer.from(query.cursor, "base64url").toString("utf8") : "";
  const match = /^([ab]):(.*)$/s.exec(decoded);
  const id = match?.[2] ?? "";
  if (match === null || !CURSOR_ID.test(id)) throw validationError({ cursor: ["Not a cursor of this list: follow links.next or links.prev as given."] });
  const position: PagePosition = match[1] === "a" ? { kind: "after", id } : { kind: "before", id };
  return { limit, position };
}

/**
 * A page body in MailerSend's shape (`{data, links, meta}`) for a keyset page: `next` and `prev` are
 * cursor links, `first` and `last` page links; `meta` counts positions in the list as it is now.
 *
 * @param path the list's URL without query (request-actor.ts `listPath`).
 * @param ids the page's row ids, newest first (for the cursors).
 */
export function keysetPageBody<T>(
  data: T[],
  ids: readonly string[],
  path: string,
  request: KeysetPageRequest,
  result: { readonly total: number; readonly offset: number; readonly hasMore: boolean },
) {
  const { limit, position } = request;
  const { total, offset, hasMore } = result;
  const lastPage = Math.max(1, Math.ceil(total / limit));
  const pageLink = (p: number): string => `${path}?page=${p}&limit=${limit}`;
  const cursorLink = (direction: "after" | "before", id: string): string => `${path}?cursor=${encodeCursor(direction, id)}&limit=${limit}`;
  const firstId = ids[0];
  const lastId = ids[ids.length - 1];
  const currentPage = position.kind === "page" ? position.page : Math.floor(offset / limit) + 1;
  let prev: string | null = null;
  if (firstId !== undefined && offset > 0) prev = cursorLink("before", firstId);
  else if (firstId === undefined && position.kind === "page" && position.page > 1) prev = pageLink(Math.min(position.page - 1, lastPage));
  const from = data.length === 0 ? null : offset + 1;
  return {
    data,
    links: { first: pageLink(1), last: pageLink(lastPage), prev, next: hasMore && lastId !== undefined ? cursorLink("after", lastId) : null },
    meta: { current_page: currentPage, from, last_page: lastPage, path, per_page: limit, to: from === null ? null : from + data.length - 1, total },
  };
}
