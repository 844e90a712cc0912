/** Integrations: where the seed's journey starts ("Locate ... API and click Manage"). */
import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, ThemeIcon } from "@mantine/core";
import { useEffect, useState } from "react";
import { api } from "./api-client";
import type { Page, Token } from "./api-types";
import { KeyIcon } from "./icons";
import { PageHeader } from "./page-header";
import { navigate } from "./router";

export function IntegrationsPage() {
  const [total, setTotal] = useState<number | null>(null);

  useEffect(() => {
    api<Page<Token>>("GET", "/v1/token?limit=10")
      .then((page) => setTotal(page.meta.total))
      .catch(() => setTotal(null));
  }, []);

  return (
    <>
      <PageHeader title="Integrations" description="Connect applications to your account." />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder radius="lg" padding="lg" shadow="xs">
          <Group justify="space-between" align="flex-start" wrap="nowrap" mb="md">
            <Group gap="md" wrap="nowrap">
              <ThemeIcon size={44} radius="md" variant="light" color="indigo" aria-hidden="true">
                <KeyIcon size={24} />
              </ThemeIcon>
              <Stack gap={2}>
                <Text fw={600} component="h2" size="lg" m={0}>
                  latchkey API
                </Text>
                <Text size="sm" c="dimmed">
                  {total === null ? "API tokens" : total === 1 ? "1 API token" : `${total} API tokens`}
                </Text>
              </Stack>
            </Group>
            <Badge variant="light" color="green">
              Available
            </Badge>
          </Group>
          <Text size="sm" mb="lg">
            API tokens authenticate applications that call your API. Each token has a name, can be limited to some of your domains, can expire, and has Full access or Custom access
            permissions. You can pause, resume or delete a token at any time.
          </Text>
          <Group justify="flex-end">
            <Button onClick={() => navigate("/tokens")} aria-label="Manage latchkey API tokens">
              Manage
            </Button>
          </Group>
        </Card>
      </SimpleGrid>
    </>
  );
}
