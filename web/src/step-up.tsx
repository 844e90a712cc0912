/**
 * Step-up (issue 16): creating a Full access token or rotating a token through the dashboard answers
 * 403 `two_factor_step_up_required` when the person has two-factor on and has not proved it in the
 * last 5 minutes. The dialog then asks for a code (this field), confirms it (POST /v1/me/step-up) and
 * sends the same request again.
 */
import { Alert, Stack, TextInput } from "@mantine/core";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { ApiError, api, fieldErrors } from "./api-client";
import { ShieldIcon } from "./icons";
import { totpOf } from "./two-factor-step";

/** What a dialog needs for step-up: the field to show, and `run` around its request. */
export interface StepUp {
  /** The code field while a code is asked for, else null. */
  field: ReactNode;
  /** Whether a code is being asked for (the dialog's button can say "Confirm and ..."). */
  asked: boolean;
  /**
   * Runs `action`; while a code is asked for, confirms it first. Resolves to `{ value }`, or to null
   * when the code is asked for or was wrong (the field says so).
   *
   * @throws whatever `action` throws, but the step-up refusal.
   */
  run: <T>(action: () => Promise<T>) => Promise<{ value: T } | null>;
  /** Forgets the question (the dialog closed). */
  reset: () => void;
}

/** The step-up state of one dialog. */
export function useStepUp(): StepUp {
  const [asked, setAsked] = useState(false);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (asked) input.current?.focus();
  }, [asked]);

  const reset = useCallback(() => {
    setAsked(false);
    setCode("");
    setError(undefined);
  }, []);

  const run = async <T,>(action: () => Promise<T>): Promise<{ value: T } | null> => {
    if (asked) {
      setError(undefined);
      try {
        await api("POST", "/v1/me/step-up", { code: totpOf(code) });
      } catch (caught) {
        setCode("");
        if (caught instanceof ApiError && caught.code === "two_factor_invalid")
          setError("The code is wrong or was already used. Wait for the next one and try again.");
        else if (fieldErrors(caught).code !== undefined) setError(fieldErrors(caught).code);
        else throw caught;
        input.current?.focus();
        return null;
      }
      reset();
    }
    try {
      return { value: await action() };
    } catch (caught) {
      if (!(caught instanceof ApiError) || caught.code !== "two_factor_step_up_required") throw caught;
      setAsked(true);
      return null;
    }
  };

  const field = asked ? (
    <Alert color="indigo" variant="light" icon={<ShieldIcon />} title="Confirm it is you">
      <Stack gap="xs">
        <span>This action needs a fresh code from your authenticator app (or a recovery code).</span>
        <TextInput
          ref={input}
          label="Authentication code"
          autoComplete="one-time-code"
          maxLength={64}
          required
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          error={error}
        />
      </Stack>
    </Alert>
  ) : null;

  return { field, asked, run, reset };
}
