/**
 * "Create new token" (the seed's pop-up): name, domains, optional expiration date, permissions. The
 * Create button stays disabled until the form is valid; a field's own problem is shown only once the
 * person has touched that field (left it, or changed it), and the API's field errors beside their
 * fields. The dialog is rendered, hidden, with the page, and the catalogue and the domains are
 * fetched with the page, so it opens at once; while either is still on its way, skeletons stand in
 * for it. The new secret is handed to the reveal dialog and not kept here.
 */
import { Alert, Button, Group, Modal, MultiSelect, Radio, Stack, Text, TextInput } from "@mantine/core";
import { DatePickerInput } from "@mantine/dates";
import { useMediaQuery } from "@mantine/hooks";
import dayjs from "dayjs";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { ApiError, api, fieldErrors } from "./api-client";
import type { AccountPolicy, Area, CreatedToken, Domain, Level } from "./api-types";
import { allowedPresets, ExpiryPresets } from "./expiry-presets";
import { tokenSummary } from "./token-summary";
import { timeZoneLabel } from "./format";
import { AlertIcon } from "./icons";
import { refusalMessage } from "./lacking-words";
import { PermissionsField, scopesOf, type AccessKind, type PermissionsValue } from "./permissions-field";
import { useStepUp } from "./step-up";

const NAME_MAX = 50;

interface FormState {
  name: string;
  allDomains: boolean;
  domainIds: string[];
  /** `YYYY-MM-DD`, or null for no expiry. */
  expiresOn: string | null;
  permissions: PermissionsValue;
  /** Allowed client addresses and ranges as typed, separated by commas or spaces (issue 13). */
  allowedIps: string;
}

/** The fields whose problems are shown once touched. */
type Field = "name" | "domains" | "scopes";

const EMPTY: FormState = { name: "", allDomains: true, domainIds: [], expiresOn: null, permissions: { kind: "custom", levels: {} }, allowedIps: "" };

/** The address list as typed, split on commas and spaces. */
function ipsOf(text: string): string[] {
  return text.split(/[\s,]+/).filter((entry) => entry !== "");
}

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

/** What the Create button still waits for, in one sentence (`problems` as problemsOf gives them). */
function missingOf(problems: Record<string, string>): string {
  const missing = [
    problems.name === undefined ? null : problems.name.startsWith("Use at most") ? `a name of at most ${NAME_MAX} characters` : "a name",
    problems.domains === undefined ? null : "at least one domain",
    problems.scopes === undefined ? null : "Read only or Full access for at least one area",
  ].filter((part): part is string => part !== null);
  return `To create the token, give it ${missing.join(", and ")}.`;
}

export interface CreateTokenDialogProps {
  opened: boolean;
  /** The catalogue's areas; null while loading. */
  areas: Area[] | null;
  /** The account's domains; null while loading. */
  domains: Domain[] | null;
  onClose: () => void;
  onCreated: (token: CreatedToken) => void;
  /** The account's token policy (expiry presets within it); null while loading or unknown. */
  policy?: AccountPolicy | null;
}

export function CreateTokenDialog({ opened, areas, domains, onClose, onCreated, policy = null }: CreateTokenDialogProps) {
  const [form, setForm] = useState<FormState>(EMPTY);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState<ReadonlySet<Field>>(new Set());
  const [nameEdited, setNameEdited] = useState(false);
  const narrow = useMediaQuery("(max-width: 36em)") ?? false;
  const stepUp = useStepUp();
  const { reset: resetStepUp } = stepUp;

  // The dialog stays mounted (hidden) between openings, so it is cleared as it closes, not as it opens.
  useEffect(() => {
    if (!opened) {
      setForm(EMPTY);
      setServerErrors({});
      setFailure(null);
      setTouched(new Set());
      setNameEdited(false);
      resetStepUp();
    } else if (policy !== null && (policy.max_lifetime_days !== null || policy.expiry_required)) {
      // The policy wants an expiry: start from the longest preset it allows.
      const longest = allowedPresets(policy).days.at(-1) ?? policy.max_lifetime_days ?? 30;
      setForm((current) => (current.expiresOn === null ? { ...current, expiresOn: dayjs().add(longest, "day").format("YYYY-MM-DD") } : current));
    }
  }, [opened, policy, resetStepUp]);

  const problems = problemsOf(form);
  const valid = Object.keys(problems).length === 0;
  const update = (changes: Partial<FormState>) => setForm((current) => ({ ...current, ...changes }));
  // Closing moves focus away too; that blur is not the person leaving a field. A ref, so `touch`
  // (and the callbacks built on it) stay the same function across opening and closing.
  const openedRef = useRef(opened);
  useEffect(() => {
    openedRef.current = opened;
  }, [opened]);
  const touch = useCallback((field: Field) => {
    if (openedRef.current) setTouched((current) => (current.has(field) ? current : new Set(current).add(field)));
  }, []);
  // Stable, so the memoised permissions do not render again on every keystroke in the name.
  const changeKind = useCallback((kind: AccessKind) => setForm((current) => ({ ...current, permissions: { ...current.permissions, kind } })), []);
  const changeLevel = useCallback(
    (area: string, level: Level) => {
      setForm((current) => ({ ...current, permissions: { ...current.permissions, levels: { ...current.permissions.levels, [area]: level } } }));
      touch("scopes");
    },
    [touch],
  );
  const leavePermissions = useCallback(() => touch("scopes"), [touch]);
  /** The API's error for the first of `fields` that has one, else the form's own problem once touched. */
  const errorFor = (field: Field | null, ...serverFields: string[]): string | undefined => {
    for (const key of serverFields) if (serverErrors[key] !== undefined) return serverErrors[key];
    return field !== null && touched.has(field) ? problems[field] : undefined;
  };
  const noDomains = domains !== null && domains.length === 0;
  // The refusal is shown beside the Create button, at the foot of a long dialog: brought into view and
  // focused, so it is seen and a screen reader announces it (focus would otherwise fall to <body>).
  const failureRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (failure === null) return;
    failureRef.current?.scrollIntoView({ block: "nearest" });
    failureRef.current?.focus({ preventScroll: true });
  }, [failure]);

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
        ...(ipsOf(form.allowedIps).length === 0 ? {} : { allowed_ips: ipsOf(form.allowedIps) }),
      };
      // A Full access token may need a fresh second factor first (step-up.tsx): then the code is asked here.
      const created = await stepUp.run(() => api<{ data: CreatedToken }>("POST", "/v1/token", body));
      if (created !== null) onCreated(created.value.data);
    } catch (error) {
      setServerErrors(fieldErrors(error));
      if (!(error instanceof ApiError) || error.code !== "validation_failed") setFailure(refusalMessage(error, areas ?? [], domains ?? []));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      // Rendered (hidden) with the page, so the first "Create new token" opens it at once: rendering
      // the form with its fifteen areas took about a second on a slow machine.
      keepMounted
      opened={opened}
      onClose={onClose}
      title={<Text fw={650} size="lg">Create new token</Text>}
      size="xl"
      fullScreen={narrow}
      radius="lg"
      closeButtonProps={{ "aria-label": "Close" }}
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack gap="lg">
          <TextInput
            label="Name"
            description="Any name that is clear to you, e.g. Production mail sender."
            required
            data-autofocus
            maxLength={200}
            value={form.name}
            onChange={(e) => {
              const name = e.currentTarget.value;
              update({ name });
              setNameEdited(true);
              if ([...name.trim()].length > NAME_MAX) touch("name"); // too long: say so while typing

            }}
            // Leaving the field counts once something was typed: the dialog focuses it on opening.
            onBlur={() => {
              if (nameEdited) touch("name");
            }}
            error={errorFor("name", "name")}
          />
          <Stack gap={6}>
            <Radio.Group
              label="Domains"
              description="Which of your domains the token may be used for."
              value={form.allDomains ? "all" : "some"}
              onChange={(v) => update({ allDomains: v === "all" })}
              error={form.allDomains ? errorFor(null, "domains", "domain_id") : undefined}
            >
              <Group mt={6} gap="xl">
                <Radio value="all" label="All domains" />
                <Radio value="some" label="Specific domains" disabled={noDomains} />
              </Group>
            </Radio.Group>
            {noDomains && (
              <Text size="xs" c="dimmed">
                You have no domains yet; add them on the Domains page to limit a token to some of them.
              </Text>
            )}
            {!form.allDomains && (
              <MultiSelect
                label="Choose domains"
                placeholder={form.domainIds.length === 0 ? (domains === null ? "Loading your domains…" : "Pick one or more domains") : undefined}
                data={(domains ?? []).map((d) => ({ value: d.id, label: d.name }))}
                value={form.domainIds}
                onChange={(ids) => {
                  update({ domainIds: ids });
                  if (ids.length === 0) touch("domains");
                }}
                onBlur={() => touch("domains")}
                searchable
                nothingFoundMessage="No such domain"
                comboboxProps={{ withinPortal: true }}
                error={errorFor("domains", "domains", "domain_id")}
              />
            )}
          </Stack>
          <ExpiryPresets policy={policy} expiresOn={form.expiresOn} onChange={(expiresOn) => update({ expiresOn })} />
          <DatePickerInput
            {...(policy?.max_lifetime_days != null ? { maxDate: dayjs().add(policy.max_lifetime_days, "day").format("YYYY-MM-DD") } : {})}
            label="Expiration date (optional)"
            description={`The token stops working at the end of this day, 23:59:59 ${timeZoneLabel()}. Leave empty for a token that does not expire.`}
            placeholder="No expiration"
            clearable
            minDate={dayjs().format("YYYY-MM-DD")}
            valueFormat="MMM D, YYYY"
            value={form.expiresOn}
            onChange={(value) => update({ expiresOn: value === null ? null : dayjs(value).format("YYYY-MM-DD") })}
            error={errorFor(null, "expires_at")}
            popoverProps={{ withinPortal: true }}
            clearButtonProps={{ "aria-label": "Clear expiration date" }}
          />
          <TextInput
            label={policy?.allowed_ips_required === true ? "Allowed IP addresses" : "Allowed IP addresses (optional)"}
            description="IPv4 or IPv6 addresses and ranges, e.g. 203.0.113.0/24, separated by commas. Leave empty for any address."
            value={form.allowedIps}
            onChange={(e) => update({ allowedIps: e.currentTarget.value })}
            error={errorFor(null, "allowed_ips")}
          />
          {/* Choosing Full or Custom access is not yet a choice of levels; changing a level is. */}
          <PermissionsField
            areas={areas}
            value={form.permissions}
            onKindChange={changeKind}
            onLevelChange={changeLevel}
            onBlur={leavePermissions}
            error={errorFor("scopes", "scopes", "has_full")}
          />
          <Text size="sm" c="dimmed" aria-live="polite" data-testid="token-summary">
            This token will be able to: {tokenSummary({ full: form.permissions.kind === "full", levels: form.permissions.levels, areas: areas ?? [], allDomains: form.allDomains, domainIds: form.domainIds, domains: domains ?? [], expiresOn: form.expiresOn, allowedIps: ipsOf(form.allowedIps) })}
          </Text>
          {/* A disabled button says why (new-user trial): what is still missing, also as its description. */}
          {!valid && (
            <Text id="create-token-missing" size="sm" c="dimmed" ta="right">
              {missingOf(problems)}
            </Text>
          )}
          {stepUp.field}
          {failure !== null && (
            <Alert ref={failureRef} tabIndex={-1} color="red" variant="light" icon={<AlertIcon />} role="alert" title="The token was not created">
              {failure}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!valid} loading={busy} aria-describedby={valid ? undefined : "create-token-missing"}>
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
