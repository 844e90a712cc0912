/** What a signed-in person sees at an address the dashboard has no page for (it once showed raw JSON). */
import { Button, Card, Stack, Text } from "@mantine/core";
import { PageHeader } from "./page-header";
import { navigate } from "./router";

export function NotFoundPage({ path }: { path: string }) {
  return (
    <>
      <PageHeader title="Page not found" />
      <Card withBorder radius="lg" padding="lg" shadow="xs">
        <Stack gap="md" align="flex-start">
          <Text size="sm">
            The dashboard has no page at <b style={{ overflowWrap: "anywhere" }}>{path}</b>. It may have been mistyped, or the link may be old.
          </Text>
          <Button onClick={() => navigate("/integrations")}>Go to Integrations</Button>
        </Stack>
      </Card>
    </>
  );
}

/**
 * What a signed-in person sees at a page their role cannot use (typed in, or an old link): the
 * navigation does not list it, and its controls would only be refused (team.ts mayUsePage).
 */
export function NotForYourRolePage({ role, title }: { role: string; title: string }) {
  return (
    <>
      <PageHeader title={title} />
      <Card withBorder radius="lg" padding="lg" shadow="xs">
        <Stack gap="md" align="flex-start">
          <Text size="sm">
            Your role ({role}) cannot use the {title} page. Ask an Admin of this account if you need it.
          </Text>
          <Button onClick={() => navigate("/integrations")}>Go to Integrations</Button>
        </Stack>
      </Card>
    </>
  );
}
