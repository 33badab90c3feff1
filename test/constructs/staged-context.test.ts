import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { StagedContext, buildContextFiles, buildContextHash } from "../../constructs";
import { stage } from "../../constructs/staged-context";
import { validationErrors } from "../support/stack";

describe("StagedContext", () => {
  let src: string;
  let out: string;
  beforeEach(() => {
    src = fs.mkdtempSync(path.join(os.tmpdir(), "src-"));
    out = fs.mkdtempSync(path.join(os.tmpdir(), "out-"));
    fs.writeFileSync(path.join(src, "Dockerfile"), "FROM scratch\n");
    fs.writeFileSync(path.join(src, "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
    fs.writeFileSync(path.join(src, ".env"), "SECRET=1\n");
    fs.symlinkSync("run.sh", path.join(src, "link"));
  });
  afterEach(() => {
    fs.rmSync(src, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  });
  const entries = () => [
    { from: path.join(src, "Dockerfile"), to: "Dockerfile" },
    { from: path.join(src, "run.sh"), to: "kit/run.sh" },
    { from: path.join(src, "link"), to: "kit/link" },
  ];

  it("copies exactly the listed files at synth, into the stack's working directory, with their modes and links", () => {
    const app = Testing.app({ outdir: out });
    const stack = new TerraformStack(app, "s");
    const context = new StagedContext(stack, "Context", { entries: entries() });
    app.synth();
    expect(context.path).toMatch(/^contexts\/Context$/);
    const dir = path.join(out, "stacks", "s", context.path);
    expect(buildContextFiles(dir)).toEqual(["Dockerfile", "kit/link", "kit/run.sh"]);
    expect(fs.statSync(path.join(dir, "kit/run.sh")).mode & 0o111).not.toBe(0);
    expect(fs.readlinkSync(path.join(dir, "kit/link"))).toBe("run.sh");
    // its hash is the one of what Docker receives from that directory
    expect(buildContextHash(dir)).toBe(context.hash);
  });

  it("copies again only when the contents change, and leaves nothing of an earlier version", () => {
    const dir = path.join(out, "ctx");
    stage(dir, "h1", entries());
    fs.writeFileSync(path.join(dir, "stray"), "left behind?");
    stage(dir, "h1", entries());
    expect(fs.existsSync(path.join(dir, "stray"))).toBe(true); // unchanged: not copied again
    stage(dir, "h2", entries().slice(0, 1));
    expect(buildContextFiles(dir)).toEqual(["Dockerfile"]);
    expect(fs.readFileSync(`${dir}.sha256`, "utf8")).toBe("h2");
  });

  it("fails on a place outside the context, a place given twice, or a file that does not exist", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new StagedContext(stack, "Context", {
      entries: [
        { from: path.join(src, "Dockerfile"), to: "../Dockerfile" },
        { from: path.join(src, "run.sh"), to: "run.sh" },
        { from: path.join(src, "run.sh"), to: "run.sh" },
      ],
    });
    new StagedContext(stack, "Missing", { entries: [{ from: path.join(src, "nope"), to: "nope" }] });
    const errors = validationErrors(stack).join("\n");
    expect(errors).toMatch(
      /s\/Context: entries\[0\]\.to must be a relative path inside the context, got "\.\.\/Dockerfile"/,
    );
    expect(errors).toMatch(/s\/Context: entries\[2\]\.to is given twice, got "run.sh"/);
    expect(errors).toMatch(/s\/Missing: entries ENOENT/);
  });
});
