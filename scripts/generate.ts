/**
 * Writes the files generated from the settings table (config/settings.ts):
 *   - the README's settings table, between its markers;
 *   - the Django image's contract file (config/django-contract.ts).
 *   npm run generate            writes them
 *   npm run generate -- --check exits 1 and names the stale files instead of writing
 * Unit tests run the same check, so a stale file fails CI.
 */
import * as fs from "fs";
import * as path from "path";
import { DJANGO_CONTRACT_FILE, djangoContractText } from "../config/django-contract";
import { README_FILE, withSettingsTable } from "./settings-table";

const root = path.resolve(__dirname, "..");

export function generatedFiles(): { file: string; text: string }[] {
  const readme = fs.readFileSync(path.join(root, README_FILE), "utf8");
  return [
    { file: README_FILE, text: withSettingsTable(readme) },
    { file: DJANGO_CONTRACT_FILE, text: djangoContractText() },
  ];
}

function main(argv: readonly string[]): number {
  const check = argv.includes("--check");
  const unknown = argv.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(
      `generate: unknown argument ${JSON.stringify(unknown[0])}; usage: npm run generate [-- --check]`,
    );
    return 2;
  }
  const stale: string[] = [];
  for (const { file, text } of generatedFiles()) {
    const abs = path.join(root, file);
    const current = fs.existsSync(abs) ? fs.readFileSync(abs, "utf8") : "";
    if (current === text) continue;
    stale.push(file);
    if (!check) fs.writeFileSync(abs, text);
  }
  if (check && stale.length > 0) {
    console.error(`generate: stale: ${stale.join(", ")}; run \`npm run generate\``);
    return 1;
  }
  console.error(
    stale.length > 0 ? `generate: wrote ${stale.join(", ")}` : "generate: everything is up to date",
  );
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
