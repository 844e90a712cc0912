/**
 * Users: the seed's Users area, "View and manage users, roles, permissions, and invitations". The
 * account's people (e-mail address, role, domains), "Invite user" (the link shown once), Change role
 * and Remove; the pending invitations with Resend (a new link, shown once; the old one stops working)
 * and Cancel. Seeing the page needs `users_read` in the signed-in person's role; changing anything
 * `users_full` (docs/teams.md).
 */
import { Alert, Badge, Button, Card, EmptyState, Group, Skeleton, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { api, messageOf } from "./api-client";
import type { Area, Domain, Invite, IssuedInvite, Page, Session, TeamUser } from "./api-types";
import { ChangeRoleDialog } from "./change-role-dialog";
import { formatDate } from "./format";
import { AlertIcon, PlusIcon, TrashIcon } from "./icons";
import { InviteLinkDialog, InviteUserDialog } from "./invite-user-dialog";
import { PageHeader } from "./page-header";
import { CancelInviteDialog, RemoveUserDialog } from "./remove-user-dialog";
import { canManageUsers, canReadDomains } from "./team";
import { useLoader } from "./use-loader";

/** A people icon in the dashboard's line style. */
export const UsersIcon = ({ size = 18 }: { size?: number }) => (
  <svg xmlns="http://www.w3.org/2000/svg" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
    <circle cx="9" cy="7" r="4" />
    <path d="M3 21v-2a4 4 0 0 1 4-4h4a4 4 0 0 1 4 4v2M16 3.13a4 4 0 0 1 0 7.75M21 21v-2a4 4 0 0 0-3-3.85" />
  </svg>
);

function domainsText(user: TeamUser): string {
  return user.all_domains ? "All domains" : user.domains.map((d) => d.name).join(", ") || "No domains (removed since)";
}

function inviteDomainsText(invite: Invite, domains: Domain[] | null): string {
  if (invite.data.domains.length === 0) return "All domains";
  const names = new Map((domains ?? []).map((d) => [d.id, d.name]));
  return invite.data.domains.map((id) => names.get(id) ?? id).join(", ");
}

function Loading({ what }: { what: string }) {
  return (
    <Stack p="lg" gap="sm" role="status" aria-busy="true" aria-label={`Loading ${what}`}>
      <Skeleton height={20} />
      <Skeleton height={20} />
    </Stack>
  );
}

export function UsersPage({ session }: { session: Session }) {
  const manage = canManageUsers(session);
  const users = useLoader(() => api<Page<TeamUser>>("GET", "/v1/users?limit=100").then((r) => r.data), []);
  const invites = useLoader(() => api<Page<Invite>>("GET", "/v1/invites?limit=100").then((r) => r.data), []);
  // Fetched with the page, so "Invite user" opens at once (only for those who may invite).
  const areas = useLoader(() => (manage ? api<{ data: Area[] }>("GET", "/v1/scopes").then((r) => r.data) : Promise.resolve([])), [manage]);
  // The domains, to limit a user to some, only for a role that may list them.
  const listDomains = canReadDomains(session);
  const domains = useLoader(() => (listDomains ? api<{ data: Domain[] }>("GET", "/v1/domains").then((r) => r.data) : Promise.resolve([])), [listDomains]);
  const domainChoice = listDomains ? domains.data : "unlisted";
  const [inviting, setInviting] = useState(false);
  // The link lives here only while its dialog is open.
  const [issued, setIssued] = useState<{ invite: IssuedInvite; resent: boolean } | null>(null);
  const [changing, setChanging] = useState<TeamUser | null>(null);
  const [removing, setRemoving] = useState<TeamUser | null>(null);
  const [cancelling, setCancelling] = useState<Invite | null>(null);
  const [resending, setResending] = useState<string | null>(null);

  const resend = async (invite: Invite) => {
    setResending(invite.id);
    try {
      const { data } = await api<{ data: IssuedInvite }>("POST", `/v1/invites/${encodeURIComponent(invite.id)}/resend`);
      setIssued({ invite: data, resent: true });
      invites.reload();
    } catch (caught) {
      notifications.show({ color: "red", title: "Could not resend the invitation", message: messageOf(caught), closeButtonProps: { "aria-label": "Close notification" } });
    } finally {
      setResending(null);
    }
  };

  const people = users.data ?? [];
  const pending = invites.data ?? [];
  return (
    <>
      <PageHeader
        title="Users"
        description="View and manage users, roles, permissions, and invitations. A user's role is the most they can do, and the most they can give the API tokens they create."
        action={
          manage ? (
            <Button leftSection={<PlusIcon size={16} />} onClick={() => setInviting(true)}>
              Invite user
            </Button>
          ) : undefined
        }
      />
      {users.error !== null && (
        <Alert color="red" variant="light" icon={<AlertIcon />} mb="md" title="Could not load users">
          {users.error}
        </Alert>
      )}
      <Card withBorder radius="lg" padding={0} shadow="xs" mb="xl">
        {users.data === null && users.error === null ? (
          <Loading what="users" />
        ) : (
          <Table.ScrollContainer minWidth={300} type="native">
            <Table verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead className="lk-table-head">
                <Table.Tr>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th visibleFrom="sm">Domains</Table.Th>
                  {manage && <Table.Th ta="right">Actions</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {people.map((user) => (
                  <Table.Tr key={user.id}>
                    <Table.Td style={{ wordBreak: "break-all" }}>
                      <Text size="sm" fw={600}>
                        {user.email}
                        {user.id === session.user.id ? " (you)" : ""}
                      </Text>
                      <Text size="xs" c="dimmed">
                        Since {formatDate(user.created_at)}
                        {user["2fa"] ? " · Two-factor sign-in on" : ""}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={user.role === "Admin" ? "indigo" : "gray"}>
                        {user.role}
                      </Badge>
                    </Table.Td>
                    <Table.Td visibleFrom="sm">
                      <Text size="sm">{domainsText(user)}</Text>
                    </Table.Td>
                    {manage && (
                      <Table.Td ta="right">
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Button variant="subtle" size="xs" onClick={() => setChanging(user)} aria-label={`Change role of ${user.email}`}>
                            Change role
                          </Button>
                          <Button variant="subtle" color="red" size="xs" leftSection={<TrashIcon size={14} />} onClick={() => setRemoving(user)} aria-label={`Remove ${user.email}`}>
                            Remove
                          </Button>
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>

      <Title order={2} size="h4" mb="sm">
        Pending invitations
      </Title>
      {invites.error !== null && (
        <Alert color="red" variant="light" icon={<AlertIcon />} mb="md" title="Could not load invitations">
          {invites.error}
        </Alert>
      )}
      <Card withBorder radius="lg" padding={0} shadow="xs">
        {invites.data === null && invites.error === null ? (
          <Loading what="invitations" />
        ) : invites.data !== null && pending.length === 0 ? (
          <EmptyState py={40} px="md" icon={<UsersIcon size={26} />} color="indigo" title="No pending invitations" description={manage ? "Invite a user to give them their own sign-in and role." : "Invitations not yet accepted appear here."} />
        ) : (
          <Table.ScrollContainer minWidth={300} type="native">
            <Table verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead className="lk-table-head">
                <Table.Tr>
                  <Table.Th>Invited</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th visibleFrom="sm">Link works until</Table.Th>
                  {manage && <Table.Th ta="right">Actions</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {pending.map((invite) => (
                  <Table.Tr key={invite.id}>
                    <Table.Td style={{ wordBreak: "break-all" }}>
                      <Text size="sm" fw={600}>
                        {invite.email}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {inviteDomainsText(invite, domains.data)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color="gray">
                        {invite.data.role}
                      </Badge>
                    </Table.Td>
                    <Table.Td visibleFrom="sm">
                      <Text size="sm">{formatDate(invite.expires_at)}</Text>
                    </Table.Td>
                    {manage && (
                      <Table.Td ta="right">
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Button variant="subtle" size="xs" loading={resending === invite.id} onClick={() => void resend(invite)} aria-label={`Resend the invitation for ${invite.email}`}>
                            Resend
                          </Button>
                          <Button variant="subtle" color="red" size="xs" onClick={() => setCancelling(invite)} aria-label={`Cancel the invitation for ${invite.email}`}>
                            Cancel
                          </Button>
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>

      <InviteUserDialog
        opened={inviting}
        areas={areas.data}
        domains={domainChoice}
        onClose={() => setInviting(false)}
        onInvited={(invite) => {
          setInviting(false);
          setIssued({ invite, resent: false });
          invites.reload();
        }}
      />
      <InviteLinkDialog issued={issued?.invite ?? null} resent={issued?.resent ?? false} onClose={() => setIssued(null)} />
      <ChangeRoleDialog
        user={changing}
        areas={areas.data}
        domains={domainChoice}
        onClose={() => setChanging(null)}
        onChanged={() => {
          setChanging(null);
          users.reload();
        }}
      />
      <RemoveUserDialog
        user={removing}
        onClose={() => setRemoving(null)}
        onRemoved={() => {
          setRemoving(null);
          users.reload();
        }}
      />
      <CancelInviteDialog
        invite={cancelling}
        onClose={() => setCancelling(null)}
        onCancelled={() => {
          setCancelling(null);
          invites.reload();
        }}
      />
    </>
  );
}
