/** Domains: the names tokens can be limited to; add and remove them. */
import { Alert, Button, Card, EmptyState, Group, Modal, Skeleton, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState, type FormEvent } from "react";
import { api, fieldErrors, messageOf } from "./api-client";
import type { Domain } from "./api-types";
import { formatDate } from "./format";
import { AlertIcon, GlobeIcon, PlusIcon, TrashIcon } from "./icons";
import { PageHeader } from "./page-header";
import { useLoader } from "./use-loader";

export function DomainsPage() {
  const domains = useLoader(() => api<{ data: Domain[] }>("GET", "/v1/domains").then((r) => r.data), []);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<Domain | null>(null);
  const [removeBusy, setRemoveBusy] = useState(false);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === "") return;
    setBusy(true);
    setError(undefined);
    try {
      const { data } = await api<{ data: Domain }>("POST", "/v1/domains", { name: name.trim() });
      notifications.show({ color: "green", title: "Domain added", message: `${data.name} can now be chosen for tokens.` });
      setName("");
      domains.reload();
    } catch (caught) {
      setError(fieldErrors(caught).name ?? messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (removing === null) return;
    setRemoveBusy(true);
    try {
      await api("DELETE", `/v1/domains/${encodeURIComponent(removing.id)}`);
      notifications.show({ color: "green", title: "Domain removed", message: `${removing.name} was removed.` });
      setRemoving(null);
      domains.reload();
    } catch (caught) {
      notifications.show({ color: "red", title: "Could not remove the domain", message: messageOf(caught) });
    } finally {
      setRemoveBusy(false);
    }
  };

  const list = domains.data ?? [];
  return (
    <>
      <PageHeader title="Domains" description="A token can be limited to one or more of these domains, or allowed to use all of them." />
      <Card withBorder radius="lg" padding="lg" shadow="xs" mb="lg">
        <form onSubmit={(e) => void add(e)} noValidate>
          <Group align="flex-start" gap="sm" wrap="wrap">
            <TextInput label="Domain name" placeholder="example.com" value={name} onChange={(e) => setName(e.currentTarget.value)} error={error} style={{ flex: "1 1 240px" }} autoComplete="off" />
            <Button type="submit" mt={{ base: 0, xs: 25 }} leftSection={<PlusIcon size={16} />} loading={busy} disabled={name.trim() === ""}>
              Add domain
            </Button>
          </Group>
        </form>
      </Card>
      {domains.error !== null && (
        <Alert color="red" variant="light" icon={<AlertIcon />} mb="md" title="Could not load domains">
          {domains.error}
        </Alert>
      )}
      <Card withBorder radius="lg" padding={0} shadow="xs">
        {domains.data === null && domains.error === null ? (
          <Stack p="lg" gap="sm" role="status" aria-busy="true" aria-label="Loading domains">
            <Skeleton height={20} />
            <Skeleton height={20} />
          </Stack>
        ) : domains.data !== null && list.length === 0 ? (
          <EmptyState py={48} px="md" icon={<GlobeIcon size={26} />} color="indigo" title="No domains yet" description="Add a domain above to limit tokens to it." />
        ) : (
          <Table.ScrollContainer minWidth={300} type="native">
            <Table verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead className="lk-table-head">
                <Table.Tr>
                  <Table.Th>Domain</Table.Th>
                  <Table.Th visibleFrom="xs">Added</Table.Th>
                  <Table.Th ta="right">Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((domain) => (
                  <Table.Tr key={domain.id}>
                    <Table.Td style={{ wordBreak: "break-all" }}>
                      <Text size="sm" fw={600}>
                        {domain.name}
                      </Text>
                    </Table.Td>
                    <Table.Td visibleFrom="xs" style={{ whiteSpace: "nowrap" }}>
                      <Text size="sm">{formatDate(domain.created_at)}</Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Button variant="subtle" color="red" size="xs" leftSection={<TrashIcon size={14} />} onClick={() => setRemoving(domain)} aria-label={`Remove ${domain.name}`}>
                        Remove
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <Modal opened={removing !== null} onClose={() => setRemoving(null)} title={<Text fw={650} size="lg">Remove domain</Text>} radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
        <Stack>
          <Text size="sm">
            Remove <b>{removing?.name}</b>? A domain that tokens are limited to cannot be removed until those tokens are deleted.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setRemoving(null)} data-autofocus>
              Cancel
            </Button>
            <Button color="red" onClick={() => void remove()} loading={removeBusy}>
              Remove domain
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
