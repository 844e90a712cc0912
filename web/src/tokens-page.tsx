/**
 * API tokens: the account's tokens, newest first, ten to a page, with "Create new token" and each
 * token's Manage, Pause/Resume and Delete (the seed's "Managing API tokens").
 */
import { Alert, Button, Card, EmptyState, Group, Pagination, Select, Skeleton, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useCallback, useMemo, useState } from "react";
import { api, messageOf } from "./api-client";
import type { AccountPolicy, Area, Domain, Page, Session, Token } from "./api-types";
import { FindTokenBox } from "./find-token-box";
import { RotateTokenDialog } from "./rotate-token-dialog";
import { CreateTokenDialog } from "./create-token-dialog";
import { DeleteTokenDialog } from "./delete-token-dialog";
import { AlertIcon, KeyIcon, PlusIcon } from "./icons";
import { ManageTokenDialog } from "./manage-token-dialog";
import { PageHeader } from "./page-header";
import { RevealTokenDialog } from "./reveal-token-dialog";
import { TokensTable, type TokenActions } from "./tokens-table";
import { useLoader } from "./use-loader";
import { plainTokenName } from "./token-name";
import { canReadDomains, isAdmin } from "./team";

const PER_PAGE = 10;

/** Orders of the list (issue 14): the query each adds to GET /v1/token. */
const ORDERS = [
  { value: "newest", label: "Newest first", query: "" },
  { value: "least-used", label: "Least recently used", query: "&sort=last_used_at" },
  { value: "most-used", label: "Most recently used", query: "&sort=-last_used_at" },
  { value: "unused-30", label: "Unused for 30 days", query: "&unused_days=30&sort=last_used_at" },
] as const;

/** `session`: who is signed in; the domains and the account policy are asked for only when their role may read them. */
export function TokensPage({ session }: { session: Session }) {
  const [page, setPage] = useState(1);
  const [order, setOrder] = useState<(typeof ORDERS)[number]["value"]>("newest");
  const orderQuery = ORDERS.find((o) => o.value === order)?.query ?? "";
  const tokens = useLoader(() => api<Page<Token>>("GET", `/v1/token?page=${page}&limit=${PER_PAGE}${orderQuery}`), [page, orderQuery]);
  // Fetched with the page, not on "Create new token", so the dialog opens at once (a domain added
  // on the Domains page is there too: going back to API tokens loads the page again).
  const catalogue = useLoader(() => api<{ data: Area[] }>("GET", "/v1/scopes").then((r) => r.data), []);
  // A role without domains_read (a Designer) cannot list them, nor anyone but an Admin read the policy:
  // not asked for (a 403 each in the console), the dialog offers All domains and the server applies the policy.
  const readsDomains = canReadDomains(session);
  const readsPolicy = isAdmin(session);
  const domains = useLoader(() => (readsDomains ? api<{ data: Domain[] }>("GET", "/v1/domains").then((r) => r.data) : Promise.resolve([])), [readsDomains]);
  const policy = useLoader(() => (readsPolicy ? api<{ data: AccountPolicy }>("GET", "/v1/account/policy").then((r) => r.data) : Promise.resolve(null)), [readsPolicy]);
  const [rotating, setRotating] = useState<Token | null>(null);
  const [creating, setCreating] = useState(false);
  // The secret lives here only while the reveal dialog is open; closing it drops the secret.
  const [revealed, setRevealed] = useState<{ name: string; secret: string; rotated?: boolean } | null>(null);
  const [managing, setManaging] = useState<Token | null>(null);
  const [deleting, setDeleting] = useState<Token | null>(null);

  const reloadTokens = tokens.reload;
  /** Pauses or resumes; resolves to the token as it is now (Manage shows it), throws ApiError. */
  const pauseOrResume = useCallback(
    async (token: Token): Promise<Token> => {
      const status = token.status === "pause" ? "unpause" : "pause";
      const { data } = await api<{ data: Token }>("PUT", `/v1/token/${encodeURIComponent(token.id)}/settings`, { status });
      notifications.show({ color: "green", title: status === "pause" ? "Token paused" : "Token resumed", message: status === "pause" ? `${plainTokenName(token.name)} is refused until you resume it.` : `${plainTokenName(token.name)} works again.` });
      setManaging((current) => (current?.id === data.id ? data : current));
      reloadTokens();
      return data;
    },
    [reloadTokens],
  );

  // Stable, so opening a dialog does not render the memoised table again.
  const rowActions = useMemo<TokenActions>(
    () => ({
      onManage: setManaging,
      onPauseOrResume: (token) => {
        pauseOrResume(token).catch((error: unknown) => notifications.show({ color: "red", title: "Could not change the token", message: messageOf(error) }));
      },
      onRotate: setRotating,
      onDelete: setDeleting,
    }),
    [pauseOrResume],
  );

  const openCreate = () => setCreating(true);

  const meta = tokens.data?.meta;
  const list = tokens.data?.data ?? [];
  const createButton = (
    <Button leftSection={<PlusIcon size={16} />} onClick={openCreate}>
      Create new token
    </Button>
  );

  return (
    <>
      <PageHeader
        title="API tokens"
        description="API tokens let your applications authenticate without a username and password. You can revoke a token at any time and give each one different permissions."
        action={list.length > 0 || (meta?.total ?? 0) > 0 ? createButton : undefined}
      />
      {tokens.error !== null && (
        <Alert color="red" variant="light" icon={<AlertIcon />} mb="md" title="Could not load tokens">
          {tokens.error}
        </Alert>
      )}
      <Group justify="flex-end" mb="sm">
        <Select
          label="Order"
          size="xs"
          w={200}
          value={order}
          allowDeselect={false}
          data={ORDERS.map(({ value, label }) => ({ value, label }))}
          onChange={(value) => {
            setOrder((value as typeof order | null) ?? "newest");
            setPage(1);
          }}
        />
      </Group>
      <Card withBorder radius="lg" padding={0} shadow="xs">
        {tokens.loading && tokens.data === null ? (
          <Stack p="lg" gap="sm" role="status" aria-busy="true" aria-label="Loading tokens">
            <Skeleton height={20} />
            <Skeleton height={20} />
            <Skeleton height={20} />
          </Stack>
        ) : meta !== undefined && meta.total === 0 && order !== "newest" ? (
          <Text p="lg" size="sm" c="dimmed">
            No token matches this order's filter: every token was used in the last 30 days.
          </Text>
        ) : meta !== undefined && meta.total === 0 ? (
          <EmptyState
            py={56}
            px="md"
            icon={<KeyIcon size={26} />}
            color="indigo"
            title="No API tokens yet"
            description="An API token is a secret key that lets an application use your API without your password. You choose its name, which domains it may use, when it expires and what it may do — and you can pause or delete it at any time."
          >
            <EmptyState.Actions>{createButton}</EmptyState.Actions>
          </EmptyState>
        ) : (
          <TokensTable tokens={list} actions={rowActions} />
        )}
      </Card>
      {meta !== undefined && meta.total > 0 && (
        <Card withBorder radius="lg" padding="md" shadow="xs" mt="md">
          <FindTokenBox onFound={setManaging} />
        </Card>
      )}
      {meta !== undefined && meta.total > 0 && (
        <Group justify="space-between" mt="md" gap="sm">
          <Text size="sm" c="dimmed">
            Showing {meta.from ?? 0}–{meta.to ?? 0} of {meta.total} {meta.total === 1 ? "token" : "tokens"}
          </Text>
          {meta.last_page > 1 && <Pagination total={meta.last_page} value={page} onChange={setPage} size="sm" getItemProps={(p) => ({ "aria-label": `Page ${p}` })} getControlProps={(c) => ({ "aria-label": c === "next" ? "Next page" : c === "previous" ? "Previous page" : c === "first" ? "First page" : "Last page" })} />}
        </Group>
      )}
      <CreateTokenDialog
        opened={creating}
        areas={catalogue.data ?? (catalogue.error === null ? null : [])}
        domains={domains.data ?? (domains.error === null ? null : [])}
        policy={policy.data}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setRevealed({ name: created.name, secret: created.accessToken });
          setPage(1);
          tokens.reload();
        }}
      />
      <RevealTokenDialog revealed={revealed} onClose={() => setRevealed(null)} />
      <RotateTokenDialog
        token={rotating}
        onClose={() => setRotating(null)}
        onRotated={(rotated) => {
          setRotating(null);
          setRevealed({ name: rotated.name, secret: rotated.accessToken, rotated: true });
          tokens.reload();
        }}
      />
      <ManageTokenDialog
        token={managing}
        areas={catalogue.data}
        onClose={() => setManaging(null)}
        onSaved={() => tokens.reload()}
        onPauseOrResume={pauseOrResume}
        onCascaded={(changed) => {
          setManaging((current) => (current?.id === changed.id ? changed : current));
          tokens.reload();
        }}
        onDelete={(token) => {
          setManaging(null);
          setDeleting(token);
        }}
      />
      <DeleteTokenDialog
        token={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={() => {
          setDeleting(null);
          if (list.length === 1 && page > 1) setPage(page - 1);
          else tokens.reload();
        }}
      />
    </>
  );
}
