import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectInputsHash, synthInputsDigest } from "../../../scripts/cli/synth";

describe("the project's part of the synth inputs", () => {
  let dir: string;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "inputs-"));
    write("manage.py", "x");
    write("mysite/views.py", "v1");
    write("requirements.txt", "Django==5.2.19\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("needs no Dockerfile, changes with the code, not with what the deny-list ignores", () => {
    const first = projectInputsHash(dir);
    write(".env", "X=1");
    write(".venv/lib/x.py", "y");
    expect(projectInputsHash(dir)).toBe(first);
    write("mysite/views.py", "v2");
    expect(projectInputsHash(dir)).not.toBe(first);
  });

  it("follows the dependency files even where the project's .dockerignore leaves them out", () => {
    write(".dockerignore", "*\n!manage.py\n!mysite\n");
    const first = projectInputsHash(dir);
    write("requirements.txt", "Django==5.2.20\n");
    expect(projectInputsHash(dir)).not.toBe(first);
  });

  it("leaves out the stack's own files when the project is the stack's root, whatever its .dockerignore says", () => {
    write(".dockerignore", ".git\n");
    write("package.json", "{}");
    const first = synthInputsDigest(dir, {}, ".secrets", [dir]);
    write("cdktf.out/dev/stacks/dev/cdk.tf.json", "{}");
    write("terraform.dev.tfstate", "{}");
    write(".terraform/x", "y");
    expect(synthInputsDigest(dir, {}, ".secrets", [dir])).toBe(first);
    write("mysite/views.py", "v2");
    expect(synthInputsDigest(dir, {}, ".secrets", [dir])).not.toBe(first);
  });
});
