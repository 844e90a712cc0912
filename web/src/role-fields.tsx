/**
 * The role part of "Invite user" and "Change role": one of the five roles (radios, each with what it
 * allows), for a Custom User the areas and levels (the token dialog's permissions field), and, for
 * every role but Admin, All domains or specific ones.
 */
import { Group, MultiSelect, Radio, Stack, Text } from "@mantine/core";
import { useCallback } from "react";
import type { AccessKind, PermissionsValue } from "./permissions-field";
import { PermissionsField, scopesOf } from "./permissions-field";
import type { Area, Domain, Level, RoleName } from "./api-types";
import { isRoleName, ROLES } from "./team";

/** The role as chosen in the form. */
export interface RoleValue {
  role: RoleName | null;
  /** Custom User only. */
  permissions: PermissionsValue;
  allDomains: boolean;
  domainIds: string[];
}

export const EMPTY_ROLE: RoleValue = { role: null, permissions: { kind: "custom", levels: {} }, allDomains: true, domainIds: [] };

/** What is wrong with the choice before it is sent (fields `role`, `permissions`, `domains`). */
export function roleProblems(value: RoleValue): Record<string, string> {
  const problems: Record<string, string> = {};
  if (value.role === null) problems.role = "Choose a role.";
  if (value.role === "Custom User") {
    if (value.permissions.kind === "full") problems.permissions = "Full access is the Admin role: choose Admin, or Custom access with the areas this user needs.";
    else if (scopesOf(value.permissions).length === 0) problems.permissions = "Give at least one area Read only or Full access.";
  }
  if (value.role !== "Admin" && !value.allDomains && value.domainIds.length === 0) problems.domains = "Choose at least one domain.";
  return problems;
}

/** The Users API's fields for the choice: `role`, `permissions` (Custom User), `domains` (null: all). */
export function roleBody(value: RoleValue): { role: RoleName; permissions?: string[]; domains?: string[] | null } {
  const role = value.role ?? "Designer";
  return {
    role,
    ...(role === "Custom User" ? { permissions: scopesOf(value.permissions) } : {}),
    ...(role === "Admin" ? {} : { domains: value.allDomains ? null : value.domainIds }),
  };
}

export interface RoleFieldsProps {
  value: RoleValue;
  onChange: (change: (current: RoleValue) => RoleValue) => void;
  /** The catalogue's areas and the account's domains; null while loading; "unlisted" when the role may not list domains. */
  areas: Area[] | null;
  domains: Domain[] | null | "unlisted";
  /** Problems by field (the form's own once shown, or the API's). */
  errors: Record<string, string | undefined>;
}

export function RoleFields({ value, onChange, areas, domains, errors }: RoleFieldsProps) {
  const changeKind = useCallback((kind: AccessKind) => onChange((c) => ({ ...c, permissions: { ...c.permissions, kind } })), [onChange]);
  const changeLevel = useCallback((area: string, level: Level) => onChange((c) => ({ ...c, permissions: { ...c.permissions, levels: { ...c.permissions.levels, [area]: level } } })), [onChange]);
  const noop = useCallback(() => undefined, []);
  if (domains === "unlisted") {
    return (
      <>
        {roleChoice(value, onChange, errors)}
        {value.role === "Custom User" && <PermissionsField areas={areas} value={value.permissions} onKindChange={changeKind} onLevelChange={changeLevel} onBlur={noop} error={errors.permissions} />}
        {value.role !== null && value.role !== "Admin" && (
          <Text size="sm" c="dimmed">
            {value.allDomains ? "Domains: all domains." : `Domains: the ${value.domainIds.length} chosen before, kept.`} Your role cannot list the domains, so it cannot choose them.
          </Text>
        )}
      </>
    );
  }
  const noDomains = domains !== null && domains.length === 0;
  return (
    <>
      {roleChoice(value, onChange, errors)}
      {value.role === "Custom User" && <PermissionsField areas={areas} value={value.permissions} onKindChange={changeKind} onLevelChange={changeLevel} onBlur={noop} error={errors.permissions} />}
      {value.role !== null && value.role !== "Admin" && (
        <Stack gap={6}>
          <Radio.Group label="Domains" description="Which of your domains this user may work with." value={value.allDomains ? "all" : "some"} onChange={(v) => onChange((c) => ({ ...c, allDomains: v === "all" }))} error={value.allDomains ? errors.domains : undefined}>
            <Group mt={6} gap="xl">
              <Radio value="all" label="All domains" />
              <Radio value="some" label="Specific domains" disabled={noDomains} />
            </Group>
          </Radio.Group>
          {noDomains && (
            <Text size="xs" c="dimmed">
              You have no domains yet; add them on the Domains page to limit a user to some of them.
            </Text>
          )}
          {!value.allDomains && (
            <MultiSelect
              label="Choose domains"
              placeholder={value.domainIds.length === 0 ? (domains === null ? "Loading your domains…" : "Pick one or more domains") : undefined}
              data={(domains ?? []).map((d) => ({ value: d.id, label: d.name }))}
              value={value.domainIds}
              onChange={(ids) => onChange((c) => ({ ...c, domainIds: ids }))}
              searchable
              nothingFoundMessage="No such domain"
              comboboxProps={{ withinPortal: true }}
              error={errors.domains}
            />
          )}
        </Stack>
      )}
    </>
  );
}

/** The five roles as radios, each with what it allows. */
function roleChoice(value: RoleValue, onChange: RoleFieldsProps["onChange"], errors: RoleFieldsProps["errors"]) {
  return (
    <Radio.Group label="Role" description="The most this user can do and give to the tokens they create." required value={value.role} onChange={(role) => onChange((c) => ({ ...c, role: isRoleName(role) ? role : null }))} error={errors.role}>
      <Stack mt={8} gap={10}>
        {ROLES.map((role) => (
          <Radio key={role.name} value={role.name} label={role.name} description={role.description} />
        ))}
      </Stack>
    </Radio.Group>
  );
}
