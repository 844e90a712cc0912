/**
 * Limits and credits of a token, shown and edited in Manage (issue 14). Limits are not permissions:
 * they may change at any time (PUT /v1/token/{id}/limits). Each problem the server finds is shown
 * beside its field (`rate_limits[0].limit`, `credits.refill.interval`, ...).
 */
import { ActionIcon, Alert, Button, Group, NumberInput, Select, Stack, Switch, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useState } from "react";
import { api, ApiError, fieldErrors, messageOf } from "./api-client";
import { AlertIcon, PlusIcon, TrashIcon } from "./icons";
import { plainTokenName } from "./token-name";
import type { TokenLimits } from "./usage-types";

interface WindowRow {
  name: string;
  limit: number | string;
  window_seconds: number | string;
}

export function UsageLimitsEditor({ tokenId, tokenName }: { tokenId: string; tokenName: string }) {
  const [windows, setWindows] = useState<WindowRow[] | null>(null);
  const [creditsOn, setCreditsOn] = useState(false);
  const [remaining, setRemaining] = useState<number | string>(1000);
  const [refill, setRefill] = useState<"none" | "daily" | "monthly">("none");
  const [amount, setAmount] = useState<number | string>(1000);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const show = useCallback((limits: TokenLimits) => {
    setWindows(limits.rate_limits.map((w) => ({ ...w })));
    setCreditsOn(limits.credits !== null);
    setRemaining(limits.credits?.remaining ?? 1000);
    setRefill(limits.credits?.refill?.interval ?? "none");
    setAmount(limits.credits?.refill?.amount ?? 1000);
  }, []);

  useEffect(() => {
    let current = true;
    setWindows(null);
    setErrors({});
    setFailure(null);
    api<{ data: TokenLimits }>("GET", `/v1/token/${encodeURIComponent(tokenId)}/limits`)
      .then(({ data }) => current && show(data))
      .catch((error: unknown) => current && setFailure(messageOf(error)));
    return () => {
      current = false;
    };
  }, [tokenId, show]);

  /** The server's rules (src/core/rate-limits.ts), checked here first so a slip costs no request. */
  const problemsOf = (rows: WindowRow[]): Record<string, string> => {
    const found: Record<string, string> = {};
    const whole = (v: number | string, min: number, max: number) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
    rows.forEach((w, i) => {
      if (!/^[a-z0-9_-]{1,32}$/.test(w.name.trim())) found[`rate_limits[${i}].name`] = "1 to 32 characters: lower-case letters, digits, _ or -.";
      else if (rows.findIndex((o) => o.name.trim() === w.name.trim()) !== i) found[`rate_limits[${i}].name`] = "Each window needs its own name.";
      if (!whole(w.limit, 1, 1_000_000_000)) found[`rate_limits[${i}].limit`] = "A whole number from 1 to 1000000000.";
      if (!whole(w.window_seconds, 1, 31_536_000)) found[`rate_limits[${i}].window_seconds`] = "Whole seconds from 1 to 31536000.";
    });
    if (creditsOn && !whole(remaining, 0, 1_000_000_000)) found["credits.remaining"] = "A whole number from 0 to 1000000000.";
    if (creditsOn && refill !== "none" && !whole(amount, 1, 1_000_000_000)) found["credits.refill.amount"] = "A whole number from 1 to 1000000000.";
    return found;
  };

  const save = async () => {
    if (windows === null) return;
    const local = problemsOf(windows);
    setErrors(local);
    setFailure(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    const body = {
      rate_limits: windows.map((w) => ({ name: w.name.trim(), limit: Number(w.limit), window_seconds: Number(w.window_seconds) })),
      credits: creditsOn ? { remaining: Number(remaining), refill: refill === "none" ? null : { amount: Number(amount), interval: refill } } : null,
    };
    try {
      const { data } = await api<{ data: TokenLimits }>("PUT", `/v1/token/${encodeURIComponent(tokenId)}/limits`, body);
      show(data);
      notifications.show({ color: "green", title: "Limits saved", message: `${plainTokenName(tokenName)} runs under its new limits from its next request.` });
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      if (Object.keys(fields).length === 0 || !(error instanceof ApiError) || error.status !== 422) setFailure(messageOf(error));
    } finally {
      setBusy(false);
    }
  };

  const setWindow = (i: number, change: Partial<WindowRow>) => setWindows((ws) => (ws === null ? ws : ws.map((w, j) => (j === i ? { ...w, ...change } : w))));

  return (
    // Errors in red 8 (red 6 on white is 3.3:1, under WCAG AA's 4.5:1).
    <Stack gap="sm" aria-label="Limits and credits" role="group" style={{ "--mantine-color-error": "var(--mantine-color-red-8)" } as React.CSSProperties}>
      <Text size="sm" fw={600}>
        Limits and credits
      </Text>
      <Text size="xs" c="dimmed">
        A request over a limit is refused with 429. Unlike permissions, limits can be changed at any time.
      </Text>
      {failure !== null && (
        <Alert color="red" variant="light" icon={<AlertIcon />} role="alert">
          {failure}
        </Alert>
      )}
      {windows === null && failure === null && (
        <Text size="sm" c="dimmed" role="status">
          Loading limits…
        </Text>
      )}
      {windows?.map((w, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until saved
        <Group key={i} align="flex-start" gap="xs" wrap="nowrap">
          <TextInput label="Window name" value={w.name} onChange={(e) => setWindow(i, { name: e.currentTarget.value })} error={errors[`rate_limits[${i}].name`]} style={{ flex: 1 }} />
          <NumberInput label="Requests" min={1} clampBehavior="none" allowDecimal={false} value={w.limit} onChange={(v) => setWindow(i, { limit: v })} error={errors[`rate_limits[${i}].limit`]} w={110} />
          <NumberInput label="Per seconds" min={1} clampBehavior="none" allowDecimal={false} value={w.window_seconds} onChange={(v) => setWindow(i, { window_seconds: v })} error={errors[`rate_limits[${i}].window_seconds`]} w={110} />
          <ActionIcon variant="subtle" color="red" mt={28} aria-label={`Remove window ${w.name || i + 1}`} onClick={() => setWindows((ws) => ws?.filter((_, j) => j !== i) ?? null)}>
            <TrashIcon size={16} />
          </ActionIcon>
        </Group>
      ))}
      {windows !== null && (
        <>
          {errors.rate_limits && (
            <Text size="xs" c="red.8">
              {errors.rate_limits}
            </Text>
          )}
          <Group>
            <Button variant="subtle" size="xs" leftSection={<PlusIcon size={14} />} onClick={() => setWindows((ws) => [...(ws ?? []), { name: ws?.length ? `window-${ws.length + 1}` : "burst", limit: 100, window_seconds: 1 }])}>
              Add a rate window
            </Button>
          </Group>
          <Switch label="Credits: a number of uses that runs out" checked={creditsOn} onChange={(e) => setCreditsOn(e.currentTarget.checked)} />
          {creditsOn && (
            <Group align="flex-start" gap="xs" wrap="nowrap">
              <NumberInput label="Credits left" min={0} clampBehavior="none" allowDecimal={false} value={remaining} onChange={setRemaining} error={errors["credits.remaining"]} w={130} />
              <Select
                label="Refill"
                value={refill}
                onChange={(v) => setRefill((v as "none" | "daily" | "monthly" | null) ?? "none")}
                data={[
                  { value: "none", label: "Never" },
                  { value: "daily", label: "Every day (UTC)" },
                  { value: "monthly", label: "Every month (UTC)" },
                ]}
                error={errors["credits.refill.interval"] ?? errors["credits.refill"]}
                allowDeselect={false}
                w={170}
              />
              {refill !== "none" && <NumberInput label="Refill to" min={1} clampBehavior="none" allowDecimal={false} value={amount} onChange={setAmount} error={errors["credits.refill.amount"]} w={110} />}
            </Group>
          )}
          {errors.credits && (
            <Text size="xs" c="red.8">
              {errors.credits}
            </Text>
          )}
          <Group>
            <Button size="xs" variant="light" loading={busy} onClick={() => void save()}>
              Save limits
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
