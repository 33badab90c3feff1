import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadConfig } from "../../config/load-config";

describe("loadConfig", () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), "load-"))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("reads .env and .env.<environment>", () => {
    fs.writeFileSync(path.join(root, ".env"), "# seed\nexport DATABASE_NAME=seed\nAPP_PORT=9000\n");
    fs.writeFileSync(path.join(root, ".env.prod"), "APP_PORT=9001\n");
    fs.writeFileSync(path.join(root, ".env.example"), "NOT_READ=1\n");
    const r = loadConfig(root, {});
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.config.stacks.map((s) => [s.environment, s.app.port, s.database.name])).toEqual([
      ["dev", 9000, "seed"],
      ["prod", 9001, "seed"],
    ]);
  });

  it("reports lines a .env reader would silently drop, and writes no secret when anything is wrong", () => {
    fs.writeFileSync(path.join(root, ".env"), 'DEBUG=false\nDATABASE NAME=x\nMULTI="a\nb"\n');
    const r = loadConfig(root, {});
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual([
        '.env line 2 is not KEY=value: "DATABASE" is followed by a space, not "=" (the rest of the line is not shown); fix it or comment it out with #',
      ]);
    expect(fs.existsSync(path.join(root, ".secrets"))).toBe(false);
  });
});
