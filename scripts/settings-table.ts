/**
 * The README's settings table, rendered from config/settings.ts (written by `npm run generate`).
 */
import { SETTINGS, shownDefault } from "../config/settings";

export const README_FILE = "README.md";
const BLOCK = /(<!-- settings-table:[^\n]*-->\n)[\s\S]*?(\n<!-- end settings-table -->)/;

export function settingsTable(): string {
  const rows = SETTINGS.map((s) => {
    const shown = shownDefault(s);
    const def = shown === "" ? "(unset)" : `\`${shown}\``;
    const scope = s.scope === "global" ? "all" : "per env";
    const range = s.range ? ` Range: ${s.range[0]} to ${s.range[1]}.` : "";
    return `| \`${s.name}\` | ${def} | ${scope} | ${`${s.description}${range}`.replace(/\|/g, "\\|")} |`;
  });
  return ["| Setting | Default | Scope | Meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** The README text with its settings table replaced by the current one. */
export function withSettingsTable(readme: string): string {
  if (!BLOCK.test(readme)) throw new Error("README.md has no <!-- settings-table: --> block");
  return readme.replace(BLOCK, (_m, open: string, close: string) => `${open}${settingsTable()}${close}`);
}
