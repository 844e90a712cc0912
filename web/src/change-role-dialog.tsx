/**
 * "Change role": a person's role, areas (Custom User) and domains (PUT /v1/users/{id}). Refusals are
 * said in the dialog: last_admin (the account's only Admin), ceiling_exceeded naming what is lacking.
 * Tokens the person already made keep their rights (docs/teams.md).
 */
import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useCallback, useState, type FormEvent } from "react";
import { api } from "./api-client";
import type { Area, Domain, TeamUser } from "./api-types";
import { AlertIcon } from "./icons";
import { refusalOf } from "./invite-user-dialog";
import { EMPTY_ROLE, RoleFields, roleBody, roleProblems, type RoleValue } from "./role-fields";
import { levelsOf } from "./team";

function roleOf(user: TeamUser): RoleValue {
  return {
    role: user.role,
    permissions: { kind: "custom", levels: user.role === "Custom User" ? levelsOf(user.permissions) : {} },
    allDomains: user.all_domains,
    domainIds: user.domains.map((d) => d.id),
  };
}

export interface ChangeRoleDialogProps {
  user: TeamUser | null;
  areas: Area[] | null;
  domains: Domain[] | null | "unlisted";
  onClose: () => void;
  onChanged: (user: TeamUser) => void;
}

export function ChangeRoleDialog({ user, areas, domains, onClose, onChanged }: ChangeRoleDialogProps) {
  const [shown, setShown] = useState<TeamUser | null>(null);
  const [role, setRole] = useState<RoleValue>(EMPTY_ROLE);
  const [tried, setTried] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const narrow = useMediaQuery("(max-width: 36em)") ?? false;
  // Derived during render, so the first frame already shows the person's role.
  if (user !== null && user !== shown) {
    setShown(user);
    setRole(roleOf(user));
    setTried(false);
    setServerErrors({});
    setFailure(null);
  }
  const changeRole = useCallback((change: (current: RoleValue) => RoleValue) => {
    setRole(change);
    setServerErrors({});
  }, []);
  const problems = roleProblems(role);
  const errorOf = (field: string): string | undefined => serverErrors[field] ?? (tried ? problems[field] : undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (user === null || Object.keys(problems).length > 0) return;
    setBusy(true);
    setServerErrors({});
    setFailure(null);
    try {
      const { data } = await api<{ data: TeamUser }>("PUT", `/v1/users/${encodeURIComponent(user.id)}`, roleBody(role));
      notifications.show({ color: "green", title: "Role changed", message: `${data.email} is now ${data.role === "Admin" ? "an" : "a"} ${data.role}.`, closeButtonProps: { "aria-label": "Close notification" } });
      onChanged(data);
    } catch (caught) {
      const refusal = refusalOf(caught);
      setServerErrors(refusal.fields);
      setFailure(refusal.failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={user !== null} onClose={onClose} title={<Text fw={650} size="lg">Change role</Text>} size="xl" fullScreen={narrow} radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack gap="lg">
          <Text size="sm">
            The role of <b>{shown?.email}</b>. Tokens this user already made keep their rights; to stop them, remove the user with their tokens paused.
          </Text>
          {failure !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="The role was not changed">
              {failure}
            </Alert>
          )}
          <RoleFields value={role} onChange={changeRole} areas={areas} domains={domains} errors={{ role: errorOf("role"), permissions: errorOf("permissions"), domains: errorOf("domains") }} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Save role
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
