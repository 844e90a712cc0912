/**
 * The permissions part of "Create new token": Full access, or Custom access with every area of the
 * catalogue (GET /v1/scopes), each offering exactly the levels it allows, with the seed's description.
 * Each area is a radio group named "<area> permission" (e.g. "Domains permission"), so it is told
 * apart from the dialog's other groups (the domain choice is "Domains"). Plain radios, as the seed's
 * pop-up has them, also keep the dialog quick to open: fifteen segmented controls measured their
 * layout one after another and held the first open back by about a second on a slow machine.
 */
import { Alert, Box, Group, Input, Radio, Skeleton, Stack, VisuallyHidden } from "@mantine/core";
import { memo, useId } from "react";
import type { Area, Level } from "./api-types";
import { LEVEL_LABELS } from "./format";
import { AlertIcon } from "./icons";

export type AccessKind = "full" | "custom";

const LEVEL_COLUMNS: Record<Level, number> = { none: 1, read: 2, full: 3 };

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

export interface PermissionsFieldProps {
  /** The catalogue's areas; null while it loads (skeleton rows are shown). */
  areas: Area[] | null;
  value: PermissionsValue;
  onKindChange: (kind: AccessKind) => void;
  onLevelChange: (area: string, level: Level) => void;
  /** Called when focus leaves the list of areas (the field counts as touched). */
  onBlur: () => void;
  /** Shown below the whole section, not under one of its options. */
  error: string | undefined;
}

/**
 * Memoised, as are its rows: with stable callbacks from the dialog, opening the dialog or typing a
 * name renders none of the fifteen areas again, and choosing a level renders only its row.
 */
export const PermissionsField = memo(function PermissionsField({ areas, value, onKindChange, onLevelChange, onBlur, error }: PermissionsFieldProps) {
  const errorId = useId();
  return (
    <Stack gap="sm">
      <Radio.Group label="Permissions" value={value.kind} onChange={(kind) => onKindChange(kind === "full" ? "full" : "custom")}>
        <Group mt={6} gap="xl">
          <Radio value="full" label="Full access" description="Every area, including ones added later" />
          <Radio value="custom" label="Custom access" description="Choose the access for each area" />
        </Group>
      </Radio.Group>
      {value.kind === "full" ? (
        <Alert color="yellow" variant="light" icon={<AlertIcon />}>
          Full access allows the API token to access GET, PUT, DELETE and POST endpoints for all parts of your account. It&apos;s the most powerful access option, so use it carefully.
        </Alert>
      ) : areas === null ? (
        <Stack gap="sm" p="md" className="lk-areas" role="status" aria-busy="true" aria-label="Loading the areas">
          {[0, 1, 2, 3].map((row) => (
            <Skeleton key={row} height={36} />
          ))}
        </Stack>
      ) : (
        <Box
          className="lk-areas"
          role="group"
          aria-label="Access per area"
          aria-describedby={error === undefined ? undefined : errorId}
          onBlur={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget)) onBlur();
          }}
        >
          {areas.map((area) => (
            <AreaLevels key={area.area} area={area} level={value.levels[area.area] ?? "none"} onLevelChange={onLevelChange} />
          ))}
        </Box>
      )}
      {error !== undefined && <Input.Error id={errorId}>{error}</Input.Error>}
    </Stack>
  );
});

/** One area: its name and the seed's description, and the levels it allows, each in its own column. */
const AreaLevels = memo(function AreaLevels({ area, level, onLevelChange }: { area: Area; level: Level; onLevelChange: (area: string, level: Level) => void }) {
  return (
    <Radio.Group
      classNames={{ root: "lk-area-row" }}
      label={
        <>
          {area.label}
          <VisuallyHidden> permission</VisuallyHidden>
        </>
      }
      description={area.description}
      value={level}
      onChange={(next) => onLevelChange(area.area, next as Level)}
    >
      <Box className="lk-levels">
        {area.levels.map((option) => (
          <Radio key={option} value={option} label={LEVEL_LABELS[option]} size="xs" style={{ gridColumn: LEVEL_COLUMNS[option] }} />
        ))}
      </Box>
    </Radio.Group>
  );
});
