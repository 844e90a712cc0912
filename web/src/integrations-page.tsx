/**
 * Integrations: where the seed's journey starts ("Locate ... API and click Manage"). Set-up lands
 * here, so while the account has no token yet the page says what to do next.
 */
import { Alert, Badge, Button, Card, Group, SimpleGrid, Skeleton, Stack, Text, ThemeIcon } from "@mantine/core";
import { useEffect, useState } from "react";
import { api } from "./api-client";
import type { Page, Token } from "./api-types";
import { InfoIcon, KeyIcon } from "./icons";
import { PageHeader } from "./page-header";
import { navigate } from "./router";

export function IntegrationsPage() {
  // undefined while loading; null when the count could not be read.
  const [total, setTotal] = useState<number | null | undefined>(undefined);

  useEffect(() => {
    api<Page<Token>>("GET", "/v1/token?limit=10")
      .then((page) => setTotal(page.meta.total))
      .catch(() => setTotal(null));
  }, []);

  return (
    <>
      <PageHeader title="Integrations" description="Connect applications to your account." />
      {total === 0 && (
        <Alert role="note" color="indigo" variant="light" icon={<InfoIcon />} title="Next: create your first API token" mb="lg" maw={720}>
          Click <b>Manage</b> on the latchkey API card below to open API tokens, then <b>Create new token</b>. Your applications send the token with each request instead of a
          password.
        </Alert>
      )}
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
                {total === undefined ? (
                  <Skeleton height={14} width={90} mt={4} role="status" aria-busy="true" aria-label="Counting API tokens" />
                ) : (
                  <Text size="sm" c="dimmed">
                    {total === null ? "API tokens" : total === 1 ? "1 API token" : `${total} API tokens`}
                  </Text>
                )}
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
