import * as fs from "fs";
import * as path from "path";
import { settingsTable } from "../scripts/settings-table";
import { SETTINGS } from "../constructs/settings";

const readme = fs.readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");

describe("README", () => {
  it("carries the settings table generated from constructs/settings.ts (npm run settings-table)", () => {
    const block = /<!-- settings-table:[^\n]*-->\n([\s\S]*?)\n<!-- end settings-table -->/.exec(readme);
    expect(block?.[1]).toBe(settingsTable());
  });

  it("names every setting", () => {
    for (const s of SETTINGS) expect(readme).toContain(`\`${s.name}\``);
  });

  it("starts with the deploy and the test command", () => {
    const commands = [...readme.matchAll(/```sh\n([^\n]+)\n```/g)].map((m) => m[1]);
    expect(commands.slice(0, 2)).toEqual(["npm ci && npm run deploy -- dev", "bash scripts/test.sh"]);
  });
});
