import * as fs from "fs";
import * as path from "path";
import { SETTINGS } from "../../config/settings";
import { generatedFiles } from "../../scripts/generate";
import { settingsTable, withSettingsTable } from "../../scripts/settings-table";

const ROOT = path.resolve(__dirname, "..", "..");

describe("files generated from the settings table", () => {
  it.each(generatedFiles().map((g) => [g.file, g.text]))(
    "%s is up to date (npm run generate)",
    (file, text) => {
      expect(fs.readFileSync(path.join(ROOT, file), "utf8")).toBe(text);
    },
  );

  it("puts every setting in the README table, with its range when it has one", () => {
    const table = settingsTable();
    for (const s of SETTINGS) expect(table).toContain(`| \`${s.name}\` |`);
    expect(table).toContain("Range: 64 to 65536.");
  });

  it("refuses a README without the table's markers", () => {
    expect(() => withSettingsTable("# no table here\n")).toThrow(/settings-table/);
  });
});
