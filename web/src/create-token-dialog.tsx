/**
 * "Create new token" (the seed's pop-up): name, domains, optional expiration date, permissions. The
 * Create button stays disabled until the form is valid; the API's field errors appear beside their
 * fields. The new secret is handed to the reveal dialog and not kept here.
 */
import { Alert, Button, Group, Modal, MultiSelect, Radio, Stack, Text, TextInput } from "@mantine/core";
import { DatePickerInput } from "@mantine/dates";
import { useMediaQuery } from "@mantine/hooks";
import dayjs from "dayjs";
import { useEffect, useState, type FormEvent } from "react";
import { ApiError, api, fieldErrors, messageOf } from "./api-client";
import type { Area, CreatedToken, Domain } from "./api-types";
import { timeZoneLabel } from "./format";
import { AlertIcon } from "./icons";
import { PermissionsField, scopesOf, type PermissionsValue } from "./permissions-field";

const NAME_MAX = 50;

interface FormState {
  name: string;
  allDomains: boolean;
  domainIds: string[];
  /** `YYYY-MM-DD`, or null for no expiry. */
  expiresOn: string | null;
  permissions: PermissionsValue;
}

const EMPTY: FormState = { name: "", allDomains: true, domainIds: [], expiresOn: null, permissions: { kind: "custom", levels: {} } };

/** What is wrong with the form before it is sent, field by field (empty when it can be sent). */
function problemsOf(form: FormState): Record<string, string> {
  const problems: Record<string, string> = {};
  const name = form.name.trim();
  if (name === "") problems.name = "Give the token a name.";
  else if ([...name].length > NAME_MAX) problems.name = `Use at most ${NAME_MAX} characters.`;
  if (!form.allDomains && form.domainIds.length === 0) problems.domains = "Choose at least one domain.";
  if (form.permissions.kind === "custom" && scopesOf(form.permissions).length === 0) problems.scopes = "Give at least one area Read only or Full access.";
  return problems;
}

export function CreateTokenDialog({ opened, areas, domains, onClose, onCreated }: { opened: boolean; areas: Area[]; domains: Domain[]; onClose: () => void; onCreated: (token: CreatedToken) => void }) {
  const [form, setForm] = useState<FormState>(EMPTY);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const narrow = useMediaQuery("(max-width: 36em)") ?? false;

  useEffect(() => {
    if (opened) {
      setForm(EMPTY);
      setServerErrors({});
      setFailure(null);
      setTouched(false);
    }
  }, [opened]);

  const problems = problemsOf(form);
  const valid = Object.keys(problems).length === 0;
  const update = (changes: Partial<FormState>) => {
    setForm((current) => ({ ...current, ...changes }));
    setTouched(true);
  };
  const errorFor = (...fields: string[]): string | undefined => {
    for (const field of fields) if (serverErrors[field] !== undefined) return serverErrors[field];
    return undefined;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    setBusy(true);
    setServerErrors({});
    setFailure(null);
    try {
      const body = {
        name: form.name.trim(),
        ...(form.permissions.kind === "full" ? { has_full: true } : { scopes: scopesOf(form.permissions) }),
        domains: form.allDomains ? "all" : form.domainIds,
        // Through the end of the chosen day in the reader's time zone, sent with its offset.
        ...(form.expiresOn === null ? {} : { expires_at: dayjs(form.expiresOn).endOf("day").format("YYYY-MM-DDTHH:mm:ssZ") }),
      };
      const { data } = await api<{ data: CreatedToken }>("POST", "/v1/token", body);
      onCreated(data);
    } catch (error) {
      setServerErrors(fieldErrors(error));
      if (!(error instanceof ApiError) || error.code !== "validation_failed") setFailure(messageOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650} size="lg">Create new token</Text>} size="xl" fullScreen={narrow} radius="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack gap="lg">
          {failure !== null && (
            <Alert color="red" variant="light" icon={<AlertIcon />} role="alert" title="The token was not created">
              {failure}
            </Alert>
          )}
          <TextInput
            label="Name"
            description="Any name that is clear to you, e.g. Production mail sender."
            required
            data-autofocus
            maxLength={200}
            value={form.name}
            onChange={(e) => update({ name: e.currentTarget.value })}
            error={errorFor("name") ?? (touched && form.name !== "" ? problems.name : undefined)}
          />
          <Stack gap={6}>
            <Radio.Group
              label="Domains"
              description="Which of your domains the token may be used for."
              value={form.allDomains ? "all" : "some"}
              onChange={(v) => update({ allDomains: v === "all" })}
              error={form.allDomains ? errorFor("domains", "domain_id") : undefined}
            >
              <Group mt={6} gap="xl">
                <Radio value="all" label="All domains" />
                <Radio value="some" label="Specific domains" disabled={domains.length === 0} />
              </Group>
            </Radio.Group>
            {domains.length === 0 && (
              <Text size="xs" c="dimmed">
                You have no domains yet; add them on the Domains page to limit a token to some of them.
              </Text>
            )}
            {!form.allDomains && (
              <MultiSelect
                label="Choose domains"
                placeholder={form.domainIds.length === 0 ? "Pick one or more domains" : undefined}
                data={domains.map((d) => ({ value: d.id, label: d.name }))}
                value={form.domainIds}
                onChange={(ids) => update({ domainIds: ids })}
                searchable
                nothingFoundMessage="No such domain"
                comboboxProps={{ withinPortal: true }}
                error={errorFor("domains", "domain_id") ?? (touched ? problems.domains : undefined)}
              />
            )}
          </Stack>
          <DatePickerInput
            label="Expiration date (optional)"
            description={`The token stops working at the end of this day, 23:59:59 ${timeZoneLabel()}. Leave empty for a token that does not expire.`}
            placeholder="No expiration"
            clearable
            minDate={dayjs().format("YYYY-MM-DD")}
            valueFormat="MMM D, YYYY"
            value={form.expiresOn}
            onChange={(value) => update({ expiresOn: value === null ? null : dayjs(value).format("YYYY-MM-DD") })}
            error={errorFor("expires_at")}
            popoverProps={{ withinPortal: true }}
            clearButtonProps={{ "aria-label": "Clear expiration date" }}
          />
          <PermissionsField
            areas={areas}
            value={form.permissions}
            onChange={(permissions) => update({ permissions })}
            error={errorFor("scopes", "has_full") ?? (touched && form.permissions.kind === "custom" && scopesOf(form.permissions).length === 0 && form.name !== "" ? problems.scopes : undefined)}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!valid} loading={busy}>
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
