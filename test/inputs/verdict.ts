/**
 * What a case ended in: refused clearly, accepted correctly, or other (with the reason). Pure, so
 * the case runner (in-process cases) and the harness (CLI processes) judge alike.
 */
import type { Case, Outcome, Refusal } from "./cases";

export type Kind = "refused" | "accepted" | "other";

export interface Verdict {
  readonly kind: Kind;
  /** Why it is "other": what was missing or wrong. */
  readonly why?: string;
  /** The message that refused it clearly. */
  readonly message?: string;
  readonly ms: number;
}

/** A line of a JavaScript stack trace. */
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

export const DEFAULT_WITHIN_MS = 2000;

/**
 * Judges a refusal: one message names the field, shows the value and gives the fix; returns that
 * message, or why there is none.
 */
export function judgeRefusal(
  refused: Refusal,
  messages: readonly string[],
  everything: string,
): { message: string } | { why: string } {
  if (STACK_FRAME.test(everything))
    return { why: `a stack trace was printed:\n${everything.slice(0, 1500)}` };
  if (refused.absent !== undefined && everything.includes(refused.absent))
    return { why: `${JSON.stringify(refused.absent)} appears in the output:\n${everything.slice(0, 1500)}` };
  if (messages.length === 0) return { why: "nothing was refused" };
  const clear = messages.find(
    (m) => m.includes(refused.field) && m.includes(refused.value) && refused.fix.test(m),
  );
  if (clear) return { message: clear };
  const near = messages.filter((m) => m.includes(refused.field));
  return {
    why: `no message names ${JSON.stringify(refused.field)} with ${JSON.stringify(refused.value)} and a fix matching ${refused.fix}; got:\n${(near.length > 0 ? near : messages).join("\n").slice(0, 1500)}`,
  };
}

/** Judges an in-process case from what it returned (or threw). */
export function judge(
  c: Case,
  got: { readonly outcome?: Outcome; readonly thrown?: string },
  ms: number,
  acceptedCheck?: (o: Outcome) => void,
): Verdict {
  const within = c.withinMs ?? DEFAULT_WITHIN_MS;
  if (got.thrown !== undefined) return { kind: "other", why: `threw instead of refusing: ${got.thrown}`, ms };
  const o = got.outcome!;
  const everything = [...o.errors, ...(o.warnings ?? [])].join("\n");
  if (ms > within) return { kind: "other", why: `took ${ms} ms, more than ${within} ms`, ms };
  if ("refused" in c) {
    if (o.ok) return { kind: "other", why: "accepted, but should be refused", ms };
    const judged = judgeRefusal(c.refused, o.errors, everything);
    return "why" in judged
      ? { kind: "other", why: judged.why, ms }
      : { kind: "refused", message: judged.message, ms };
  }
  if (!o.ok) return { kind: "other", why: `refused, but should be accepted:\n${o.errors.join("\n")}`, ms };
  if (STACK_FRAME.test(everything)) return { kind: "other", why: "a stack trace in the warnings", ms };
  try {
    acceptedCheck?.(o);
  } catch (e) {
    return { kind: "other", why: `accepted with the wrong meaning: ${(e as Error).message}`, ms };
  }
  return { kind: "accepted", ms };
}
