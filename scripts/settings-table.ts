/**
 * Prints the README's settings table from constructs/settings.ts:
 *   node --require sucrase/register/ts scripts/settings-table.ts
 * A unit test fails when the README's copy differs, so the documentation cannot drift.
 */
import { SETTINGS } from "../constructs/settings";

export function settingsTable(): string {
  const rows = SETTINGS.map((s) => {
    const def = s.default === "" ? "(unset)" : `\`${s.default}\``;
    const scope = s.scope === "global" ? "all" : "per env";
    return `| \`${s.name}\` | ${def} | ${scope} | ${s.description.replace(/\|/g, "\\|")} |`;
  });
  return ["| Setting | Default | Scope | Meaning |", "|---|---|---|---|", ...rows].join("\n");
}

if (require.main === module) console.log(settingsTable());
