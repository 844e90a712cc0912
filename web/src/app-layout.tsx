/** The frame around the signed-in pages: header with the account menu, and the navigation. */
import { AppShell, Avatar, Box, Burger, Group, Menu, NavLink, Text, UnstyledButton } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import type { ReactNode } from "react";
import { api, messageOf } from "./api-client";
import type { Session } from "./api-types";
import { ActivityIcon, ChevronDownIcon, GlobeIcon, KeyIcon, LogoutIcon, PlugIcon, SettingsIcon, ShieldIcon } from "./icons";
import { LatchkeyLogo } from "./latchkey-logo";
import { navigate, type PagePath } from "./router";
import { mayUsePage } from "./team";
import { UsersIcon } from "./users-page";
import { WebhookIcon } from "./webhooks-page";

const NAV: { path: PagePath; label: string; icon: ReactNode; active: (path: string) => boolean }[] = [
  { path: "/integrations", label: "Integrations", icon: <PlugIcon />, active: (p) => p === "/integrations" },
  { path: "/tokens", label: "API tokens", icon: <KeyIcon />, active: (p) => p === "/tokens" },
  { path: "/domains", label: "Domains", icon: <GlobeIcon />, active: (p) => p === "/domains" },
  { path: "/activity", label: "Activity", icon: <ActivityIcon />, active: (p) => p === "/activity" },
  { path: "/usage", label: "Usage", icon: <ActivityIcon />, active: (p) => p === "/usage" },
  { path: "/webhooks", label: "Webhooks", icon: <WebhookIcon />, active: (p) => p === "/webhooks" },
  { path: "/users", label: "Users", icon: <UsersIcon />, active: (p) => p === "/users" },
  { path: "/settings", label: "Settings", icon: <SettingsIcon />, active: (p) => p === "/settings" },
];

export function AppLayout({ session, path, onSignedOut, children }: { session: Session; path: string; onSignedOut: () => void; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure(false);

  const signOut = async () => {
    try {
      await api("DELETE", "/v1/session");
      onSignedOut();
    } catch (error) {
      notifications.show({ color: "red", title: "Could not sign out", message: messageOf(error) });
    }
  };

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }} padding={{ base: "md", sm: "lg" }}>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? "Close navigation" : "Open navigation"} />
            <LatchkeyLogo />
          </Group>
          <Menu position="bottom-end" width={240} shadow="md">
            <Menu.Target>
              <UnstyledButton aria-label={`Account menu for ${session.user.email}`}>
                <Group gap={8} wrap="nowrap">
                  <Avatar size={32} color="indigo" radius="xl" aria-hidden="true">
                    {session.user.email.slice(0, 1).toUpperCase()}
                  </Avatar>
                  <Text size="sm" fw={500} visibleFrom="xs" maw={220} truncate="end">
                    {session.user.email}
                  </Text>
                  <ChevronDownIcon size={14} />
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>Signed in as {session.user.email}</Menu.Label>
              <Menu.Item
                component="a"
                href="/security"
                leftSection={<ShieldIcon size={16} />}
                onClick={(event) => {
                  event.preventDefault();
                  navigate("/security");
                }}
              >
                Security
              </Menu.Item>
              <Menu.Item leftSection={<LogoutIcon size={16} />} onClick={() => void signOut()}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main">
        <Box component="nav" aria-label="Pages">
          {NAV.filter((item) => mayUsePage(session, item.path)).map((item) => (
            <NavLink
              key={item.path}
              href={item.path}
              label={item.label}
              leftSection={item.icon}
              active={item.active(path)}
              aria-current={item.active(path) ? "page" : undefined}
              variant="light"
              mb={4}
              style={{ borderRadius: "var(--mantine-radius-md)" }}
              onClick={(event) => {
                event.preventDefault();
                navigate(item.path);
                close();
              }}
            />
          ))}
        </Box>
      </AppShell.Navbar>
      <AppShell.Main>
        <Box maw={1200} mx="auto">
          {children}
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
