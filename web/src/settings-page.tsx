/**
 * Settings: the account's token policy (issue 13) — how long new tokens may live, whether they must
 * expire, whether they must be limited to addresses — and the tokens made before it that break it
 * (they keep working; replace them when you can) — and, when the server has it, whether owners and Admins
 * must sign in with two-factor (issue 16).
 */
import { Alert, Button, Card, Checkbox, Group, NumberInput, Skeleton, Stack, Switch, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { api, fieldErrors, messageOf } from "./api-client";
import type { AccountPolicy } from "./api-types";
import { AlertIcon } from "./icons";
import { PageHeader } from "./page-header";
import { useLoader } from "./use-loader";

const RULE_LABELS: Record<string, string> = { max_lifetime_days: "lives too long", expiry_required: "never expires", allowed_ips_required: "no address list" };

/** `onSessionChanged`: the sign-in policy changed, so the session may now require two-factor of this person. */
export function SettingsPage({ onSessionChanged }: { onSessionChanged?: () => void } = {}) {
  const policy = useLoader(() => api<{ data: AccountPolicy }>("GET", "/v1/account/policy").then((r) => r.data), []);
  const [limited, setLimited] = useState(false);
  const [days, setDays] = useState<number | string>(90);
  const [expiryRequired, setExpiryRequired] = useState(false);
  const [ipsRequired, setIpsRequired] = useState(false);
  // null: the server has no such policy (an older latchkey), so the switch is not shown nor sent.
  const [twoFactorRequired, setTwoFactorRequired] = useState<boolean | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<AccountPolicy | null>(null);
  const current = saved ?? policy.data;

  useEffect(() => {
    if (policy.data === null) return;
    setLimited(policy.data.max_lifetime_days !== null);
    setDays(policy.data.max_lifetime_days ?? 90);
    setExpiryRequired(policy.data.expiry_required);
    setIpsRequired(policy.data.allowed_ips_required);
    setTwoFactorRequired(policy.data.two_factor_required_for_admins ?? null);
  }, [policy.data]);

  const save = async () => {
    setBusy(true);
    setErrors({});
    try {
      const { data } = await api<{ data: AccountPolicy }>("PUT", "/v1/account/policy", { max_lifetime_days: limited ? Number(days) : null, expiry_required: expiryRequired, allowed_ips_required: ipsRequired, ...(twoFactorRequired === null ? {} : { two_factor_required_for_admins: twoFactorRequired }) });
      setSaved(data);
      if (data.two_factor_required_for_admins === true) onSessionChanged?.();
      notifications.show({ color: "green", title: "Policy saved", message: "New tokens must follow it from now on." });
    } catch (error) {
      setErrors(fieldErrors(error));
      if (Object.keys(fieldErrors(error)).length === 0) notifications.show({ color: "red", title: "Could not save the policy", message: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="Settings" description="The token policy applies to every token created from now on, in the dashboard, the API and the CLI. Tokens that exist keep working." />
      {policy.error !== null && (
        <Alert color="red" variant="light" icon={<AlertIcon />} mb="md" title="Could not load the policy">
          {policy.error}
        </Alert>
      )}
      <Card withBorder radius="lg" shadow="xs" padding="lg">
        {policy.data === null && policy.error === null ? (
          <Stack role="status" aria-busy="true" aria-label="Loading the policy">
            <Skeleton height={20} />
            <Skeleton height={20} />
          </Stack>
        ) : (
          <Stack gap="md">
            <Text fw={650}>Token policy</Text>
            <Group align="flex-end" gap="sm">
              <Checkbox label="Limit how long tokens may live" checked={limited} onChange={(e) => setLimited(e.currentTarget.checked)} />
              <NumberInput aria-label="Most days a token may live" suffix=" days" min={1} max={3650} allowDecimal={false} disabled={!limited} value={days} onChange={setDays} w={140} error={errors.max_lifetime_days} />
            </Group>
            <Switch label="Every token must have an expiry date" checked={expiryRequired || limited} disabled={limited} onChange={(e) => setExpiryRequired(e.currentTarget.checked)} description={limited ? "Implied by the lifetime limit." : undefined} />
            <Switch label="Every token must be limited to IP addresses" checked={ipsRequired} onChange={(e) => setIpsRequired(e.currentTarget.checked)} />
            {twoFactorRequired !== null && (
              <>
                <Text fw={650} mt="sm">
                  Sign-in policy
                </Text>
                <Switch
                  label="Require two-factor for Admins"
                  description="Owners and Admins must sign in with a code from an authenticator app. Until they set it up, they can use only their Security page."
                  checked={twoFactorRequired}
                  onChange={(e) => setTwoFactorRequired(e.currentTarget.checked)}
                />
              </>
            )}
            <Group justify="flex-end">
              <Button onClick={() => void save()} loading={busy}>
                Save policy
              </Button>
            </Group>
          </Stack>
        )}
      </Card>
      {current !== null && current.out_of_policy_total > 0 && (
        <Card withBorder radius="lg" shadow="xs" padding="lg" mt="md">
          <Text fw={650} mb="xs">
            {current.out_of_policy_total} {current.out_of_policy_total === 1 ? "token was" : "tokens were"} made before this policy and break it
          </Text>
          <Text size="sm" c="dimmed" mb="sm">
            They keep working. Rotate or replace them with tokens that follow the policy when you can.
          </Text>
          <Table>
            <Table.Tbody>
              {current.out_of_policy.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>{t.name}</Table.Td>
                  <Table.Td c="dimmed">{t.rules.map((r) => RULE_LABELS[r] ?? r).join(", ")}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
