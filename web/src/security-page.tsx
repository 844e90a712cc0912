/**
 * Security (/security, from the account menu): the signed-in person's own two-factor sign-in (set up,
 * turn off; how many recovery codes are left) and password (change). When the account policy requires
 * two-factor of them and it is off, this is the one page they can use, and it says so.
 */
import { Alert, Badge, Button, Card, Group, Skeleton, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { api } from "./api-client";
import type { Session, TwoFactorStatus } from "./api-types";
import { ChangePasswordDialog } from "./change-password-dialog";
import { DisableTwoFactorDialog } from "./disable-two-factor-dialog";
import { EnrolTwoFactorDialog } from "./enrol-two-factor-dialog";
import { AlertIcon, ShieldIcon } from "./icons";
import { PageHeader } from "./page-header";
import { useLoader } from "./use-loader";

type Open = "enrol" | "disable" | "password" | null;

/** `/security`: two-factor state (set up, turn off, recovery codes left) and Change password. */
export function SecurityPage({ session, onSessionChanged }: { session: Session; onSessionChanged: () => void }) {
  const status = useLoader(() => api<{ data: TwoFactorStatus }>("GET", "/v1/me/two-factor").then((r) => r.data), []);
  const [open, setOpen] = useState<Open>(null);
  const twoFactor = status.data;
  const mustEnrol = session.two_factor?.required === true && session.two_factor.enabled === false;

  const changed = () => {
    status.reload();
    onSessionChanged();
  };

  return (
    <>
      <PageHeader title="Security" description={`How you, ${session.user.email}, sign in to latchkey.`} />
      {mustEnrol && (
        <Alert color="orange" variant="light" icon={<AlertIcon />} mb="md" title="Set up two-factor sign-in to continue">
          The account policy requires two-factor sign-in for Admins. Until you set it up, the other pages are not available.
        </Alert>
      )}
      {status.error !== null && (
        <Alert color="red" variant="light" icon={<AlertIcon />} mb="md" title="Could not load your two-factor sign-in">
          {status.error}
        </Alert>
      )}
      <Stack gap="md">
        <Card withBorder radius="lg" shadow="xs" padding="lg" component="section" aria-labelledby="two-factor-heading">
          {twoFactor === null && status.error === null ? (
            <Stack role="status" aria-busy="true" aria-label="Loading your two-factor sign-in">
              <Skeleton height={20} />
              <Skeleton height={20} />
            </Stack>
          ) : (
            <Group justify="space-between" align="flex-start" gap="md">
              <Stack gap={6} maw={620}>
                <Group gap="xs">
                  <ShieldIcon size={18} />
                  <Text fw={650} id="two-factor-heading" component="h2" size="md" m={0}>
                    Two-factor sign-in
                  </Text>
                  <Badge color={twoFactor?.enabled === true ? "teal" : "gray"} variant="light">
                    {twoFactor?.enabled === true ? "On" : "Off"}
                  </Badge>
                </Group>
                <Text size="sm" c="dimmed">
                  {twoFactor?.enabled === true
                    ? `Signing in asks for a code from your authenticator app after your password. ${twoFactor.recovery_codes_left} of 10 recovery codes left.`
                    : "Ask for a code from an authenticator app after your password, so that a stolen password alone cannot sign in. Creating a Full access token or rotating a token then asks for a fresh code."}
                </Text>
                {twoFactor?.enabled === true && twoFactor.recovery_codes_left <= 3 && (
                  <Text size="sm" c="orange.9">
                    Few recovery codes are left. To get new ones, turn two-factor sign-in off and set it up again.
                  </Text>
                )}
              </Stack>
              {twoFactor?.enabled === true ? (
                <Button variant="default" color="red" onClick={() => setOpen("disable")}>
                  Turn off
                </Button>
              ) : (
                <Button onClick={() => setOpen("enrol")}>Set up two-factor sign-in</Button>
              )}
            </Group>
          )}
        </Card>
        <Card withBorder radius="lg" shadow="xs" padding="lg" component="section" aria-labelledby="password-heading">
          <Group justify="space-between" align="flex-start" gap="md">
            <Stack gap={6} maw={620}>
              <Text fw={650} id="password-heading" component="h2" size="md" m={0}>
                Password
              </Text>
              <Text size="sm" c="dimmed">
                Changing it signs you out everywhere else.
              </Text>
            </Stack>
            <Button variant="default" onClick={() => setOpen("password")}>
              Change password
            </Button>
          </Group>
        </Card>
      </Stack>
      <EnrolTwoFactorDialog opened={open === "enrol"} email={session.user.email} onClose={() => setOpen(null)} onEnabled={changed} />
      <DisableTwoFactorDialog
        opened={open === "disable"}
        required={twoFactor?.required === true}
        onClose={() => setOpen(null)}
        onDisabled={() => {
          setOpen(null);
          changed();
          notifications.show({ color: "teal", title: "Two-factor sign-in is off", message: "Signing in asks only for your password now." });
        }}
      />
      <ChangePasswordDialog
        opened={open === "password"}
        email={session.user.email}
        onClose={() => setOpen(null)}
        onChanged={() => {
          setOpen(null);
          notifications.show({ color: "teal", title: "Password changed", message: "Your other sessions have been signed out." });
        }}
      />
    </>
  );
}
