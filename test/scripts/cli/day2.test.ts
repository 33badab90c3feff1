import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backupTargetProblems, pgUpgradeProblem } from "../../../scripts/cli/day2";

describe("pg-upgrade: which major it may move the data to (decided before anything is stopped)", () => {
  it("moves to a newer major only", () => {
    expect(pgUpgradeProblem("dev", "postgres:18", "17", "18")).toBeUndefined();
    expect(pgUpgradeProblem("dev", "postgres:10", "9.6", "10")).toBeUndefined();
  });

  it("refuses an older major, naming both and the fix (exit 2)", () => {
    const refused = pgUpgradeProblem("dev", "postgres:16", "17", "16");
    expect(refused?.exitCode).toBe(2);
    expect(refused?.message).toBe(
      "--image postgres:16 is PostgreSQL 16, older than the data of dev (PostgreSQL 17): pg-upgrade only moves to a newer major (a PostgreSQL 17 dump does not restore into 16); give a newer major than 17, e.g. --image postgres:18",
    );
    // compared as numbers, and 9.6 is a major of its own
    expect(pgUpgradeProblem("dev", "postgres:9.6", "10", "9.6")?.message).toMatch(/older than the data/);
    expect(pgUpgradeProblem("dev", "postgres:9", "9.6", "9")?.message).toMatch(/older than the data/);
  });

  it("refuses the data's own major, and an image that does not say its major", () => {
    expect(pgUpgradeProblem("dev", "postgres:17.2", "17", "17")).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^--image postgres:17\.2 is PostgreSQL 17, which the data of dev already is; nothing to upgrade/,
      ),
    });
    expect(pgUpgradeProblem("dev", "mysql:8", "17", undefined)).toMatchObject({
      exitCode: 2,
      message: expect.stringContaining("does not say its PostgreSQL major version (PG_MAJOR)"),
    });
  });

  it("stops when the data directory does not say its major (not a usage error)", () => {
    expect(pgUpgradeProblem("dev", "postgres:18", "", "18")).toMatchObject({
      exitCode: 1,
      message: expect.stringContaining('PG_VERSION is ""'),
    });
  });
});

describe("backup: where the dump goes, checked before Docker is asked", () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), "backup-targets-"))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("takes folders still to be made, and makes nothing", () => {
    expect(backupTargetProblems(root, "dev", { dir: "backups", copyTo: "share" }, undefined)).toEqual([]);
    expect(backupTargetProblems(root, "dev", { dir: "backups" }, path.join(root, "mnt"))).toEqual([]);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it("refuses a file as BACKUP_DIR, --to or BACKUP_COPY_TO, naming the setting, the value and the fix", () => {
    fs.writeFileSync(path.join(root, "file"), "x");
    expect(backupTargetProblems(root, "dev", { dir: "file" }, "file")).toEqual([
      "BACKUP_DIR=file is a file, not a directory; give BACKUP_DIR a directory (made if missing; the dumps go into BACKUP_DIR/dev/), e.g. backups",
      "--to file is a file, not a directory; give --to a directory (made if missing), e.g. --to /mnt/backups",
    ]);
    expect(backupTargetProblems(root, "dev", { dir: "backups", copyTo: "file/sub" }, undefined)).toEqual([
      `BACKUP_COPY_TO=file/sub: ${path.join(root, "file")} is a file, not a directory; give BACKUP_COPY_TO a directory (made if missing), e.g. /mnt/backups, or move ${path.join(root, "file")} away`,
    ]);
  });

  it("refuses a file where the environment's folder goes, and a link to nothing", () => {
    fs.mkdirSync(path.join(root, "backups"));
    fs.writeFileSync(path.join(root, "backups", "dev"), "x");
    fs.symlinkSync("/nonexistent/share", path.join(root, "share"));
    expect(backupTargetProblems(root, "dev", { dir: "backups" }, "share")).toEqual([
      expect.stringMatching(
        /^BACKUP_DIR=backups: .*\/backups\/dev is a file, not a directory; .*, or move .*\/backups\/dev away$/,
      ),
      '--to share is a link to "/nonexistent/share", which does not exist; give --to a directory (made if missing), e.g. --to /mnt/backups',
    ]);
  });

  it("refuses a URL as the copy's directory: a bucket is reached by syncing one", () => {
    expect(
      backupTargetProblems(root, "dev", { dir: "backups", copyTo: "s3://bucket/db" }, undefined),
    ).toEqual([expect.stringMatching(/^BACKUP_COPY_TO=s3:\/\/bucket\/db is a URL, .*aws s3 sync, rclone/)]);
  });
});
