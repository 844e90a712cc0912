/**
 * The `propagation` of a pause, resume, rename, delete or rotate answer (issue 11; docs/deploy.md): how many
 * live instances there were, how many had applied the change when it was answered, how long the
 * answer waited for them, and the names of those that had not within LATCHKEY_REVOCATION_TIMEOUT_MS
 * (which refuse to answer from their caches by then). PUT and rotate answers carry it beside `data`; DELETE's
 * 204 carries it as JSON in the `Latchkey-Propagation` header.
 */
import { Type } from "typebox";
import type { Propagation } from "../service/propagation.js";

export const PropagationSchema = Type.Object(
  {
    instances: Type.Integer({ minimum: 1, description: "Live instances (1 on SQLite)" }),
    applied: Type.Integer({ minimum: 0, description: "Instances that had applied the change (or read the database on every verification)" }),
    waited_ms: Type.Integer({ minimum: 0, description: "Milliseconds the answer waited for them" }),
    lost: Type.Array(Type.String(), { description: "Instances that had not applied it in time; they refuse to answer from their caches" }),
  },
  { $id: "Propagation", description: "How far the change had reached when it was answered" },
);

/** The wire form of a propagation. */
export function propagationToWire(propagation: Propagation): { instances: number; applied: number; waited_ms: number; lost: string[] } {
  return { instances: propagation.instances, applied: propagation.applied, waited_ms: propagation.waited_ms, lost: [...propagation.lost] };
}
