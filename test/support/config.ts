import { ConfigResult, buildConfig } from "../../config/build-config";
import { ConfigInput } from "../../config/types";

/** A key Django's deployment check accepts. */
export const STRONG_KEY = "Zq8-vL2pR7xW4nK9tY3mB6cH1jF5gD0sA-eU8iO2uP7yT4rE9wQ3";

type Input = Partial<ConfigInput> & { env?: Record<string, string> };

/** The configuration, which must be valid. */
export function ok(input: Input): Extract<ConfigResult, { ok: true }> {
  const result = buildConfig({ env: {}, ...input });
  if (!result.ok) throw new Error(`unexpected errors:\n${result.errors.join("\n")}`);
  return result;
}

/** The errors of a configuration that must be invalid. */
export function errors(input: Input): string[] {
  const result = buildConfig({ env: {}, ...input });
  if (result.ok) throw new Error("expected configuration errors, got none");
  return [...result.errors];
}
