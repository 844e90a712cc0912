/**
 * The permissions part of "Create new token": Full access, or Custom access with every area of the
 * catalogue (GET /v1/scopes), each offering exactly the levels it allows, with the seed's description.
 */
import { Alert, Box, Divider, Group, Radio, SegmentedControl, Stack, Text } from "@mantine/core";
import { Fragment } from "react";
import type { Area, Level } from "./api-types";
import { LEVEL_LABELS } from "./format";
import { AlertIcon } from "./icons";

export type AccessKind = "full" | "custom";

export interface PermissionsValue {
  kind: AccessKind;
  /** Area key -> chosen level (absent: No access). */
  levels: Record<string, Level>;
}

/** The scope strings of a custom choice, e.g. `["domains_read", "email_full"]`. */
export function scopesOf(value: PermissionsValue): string[] {
  return Object.entries(value.levels)
    .filter(([, level]) => level !== "none")
    .map(([area, level]) => `${area}_${level}`);
}

export function PermissionsField({ areas, value, onChange, error }: { areas: Area[]; value: PermissionsValue; onChange: (next: PermissionsValue) => void; error?: string | undefined }) {
  return (
    <Stack gap="sm">
      <Radio.Group
        label="Permissions"
        value={value.kind}
        onChange={(kind) => onChange({ ...value, kind: kind === "full" ? "full" : "custom" })}
        error={error}
      >
        <Group mt={6} gap="xl">
          <Radio value="full" label="Full access" description="Every area, including ones added later" />
          <Radio value="custom" label="Custom access" description="Choose the access for each area" />
        </Group>
      </Radio.Group>
      {value.kind === "full" ? (
        <Alert color="yellow" variant="light" icon={<AlertIcon />}>
          Full access allows the API token to access GET, PUT, DELETE and POST endpoints for all parts of your account. It&apos;s the most powerful access option, so use it carefully.
        </Alert>
      ) : (
        <Box style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: "var(--mantine-radius-md)" }}>
          {areas.map((area, index) => (
            <Fragment key={area.area}>
              {index > 0 && <Divider />}
              <Group justify="space-between" wrap="wrap" gap="xs" px="md" py={10}>
                <Box style={{ flex: "1 1 220px" }}>
                  <Text size="sm" fw={600} id={`area-${area.area}`}>
                    {area.label}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {area.description}
                  </Text>
                </Box>
                <SegmentedControl
                  size="xs"
                  color={(value.levels[area.area] ?? "none") === "none" ? undefined : "indigo"}
                  name={`level-${area.area}`}
                  aria-labelledby={`area-${area.area}`}
                  value={value.levels[area.area] ?? "none"}
                  onChange={(level) => onChange({ ...value, levels: { ...value.levels, [area.area]: level as Level } })}
                  data={area.levels.map((level) => ({ value: level, label: LEVEL_LABELS[level] }))}
                />
              </Group>
            </Fragment>
          ))}
        </Box>
      )}
    </Stack>
  );
}
