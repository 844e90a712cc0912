/**
 * Expiry presets for the create dialog (issue 13): 7, 30 or 90 days, a date, or none — only those the
 * account's policy allows (a lifetime limit hides the longer presets and "No expiry").
 */
import { Chip, Group } from "@mantine/core";
import dayjs from "dayjs";
import type { AccountPolicy } from "./api-types";

const PRESET_DAYS = [7, 30, 90] as const;

/** The presets the policy allows: day counts, and whether "No expiry" is offered. */
export function allowedPresets(policy: AccountPolicy | null): { days: number[]; noExpiry: boolean } {
  const limit = policy?.max_lifetime_days ?? null;
  return { days: PRESET_DAYS.filter((d) => limit === null || d <= limit), noExpiry: limit === null && policy?.expiry_required !== true };
}

/** The chosen preset of an expiry day: `"7"`, `"30"`, `"90"`, `"none"` or `"date"`. */
export function presetOf(expiresOn: string | null): string {
  if (expiresOn === null) return "none";
  for (const d of PRESET_DAYS) if (expiresOn === dayjs().add(d, "day").format("YYYY-MM-DD")) return String(d);
  return "date";
}

export function ExpiryPresets({ policy, expiresOn, onChange }: { policy: AccountPolicy | null; expiresOn: string | null; onChange: (expiresOn: string | null, preset: string) => void }) {
  const { days, noExpiry } = allowedPresets(policy);
  return (
    <Chip.Group value={presetOf(expiresOn)} onChange={(value) => {
      const v = String(value);
      if (v === "none") onChange(null, v);
      else if (v === "date") onChange(expiresOn ?? dayjs().add(days[0] ?? 1, "day").format("YYYY-MM-DD"), v);
      else onChange(dayjs().add(Number(v), "day").format("YYYY-MM-DD"), v);
    }}>
      <Group gap="xs" role="radiogroup" aria-label="Expiry">
        {days.map((d) => (
          <Chip key={d} value={String(d)} size="sm" variant="outline">
            {d} days
          </Chip>
        ))}
        <Chip value="date" size="sm" variant="outline">
          A date
        </Chip>
        {noExpiry && (
          <Chip value="none" size="sm" variant="outline">
            No expiry
          </Chip>
        )}
      </Group>
    </Chip.Group>
  );
}
