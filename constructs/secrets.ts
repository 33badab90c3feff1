import { Construct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { dropPrivileges, labelsFor, oneShot } from "./container-options";
import { DjangoImageContract, PostgresImageContract, SecretsMount } from "./contracts";
import { checkPropShapes, dockerNameProblem, pinnedImageProblem, validateProps } from "./validation";

/** A secret value kept in a file on the machine that runs Terraform; only its path is configured. */
export interface SecretFile {
  /** File name inside the containers, e.g. `database_password`. */
  readonly name: string;
  /**
   * Where Terraform reads the value at apply time: a path relative to the stack's working
   * directory (`cdktf.out/stacks/<stack>`), so the synthesized JSON is the same on every machine.
   */
  readonly source: string;
  /** Changes exactly when the value changes (a keyed digest, never the value itself). */
  readonly revision: string;
}

export interface SecretsProps {
  /** Docker name of the volume and of the one-shot that fills it. */
  readonly name: string;
  /** Image with a POSIX shell, run once as root to set ownership (the postgres image is one). */
  readonly toolImage: string;
  /** Files for the app (readable by the Django image's user only). @default [] */
  readonly appFiles?: readonly SecretFile[];
  /** Files for the database (readable by the postgres user only). @default [] */
  readonly databaseFiles?: readonly SecretFile[];
  /** Files for the proxy, e.g. a TLS certificate and key (readable by root only). @default [] */
  readonly proxyFiles?: readonly SecretFile[];
  /**
   * Files for the migration runs (the Django user), e.g. the database owner's password, which the
   * serving app must not hold. @default [] (migrations read the app's files)
   */
  readonly migrateFiles?: readonly SecretFile[];
}

/** What a consumer in another stack needs: plain names and paths, no resource references. */
export interface SecretsRef {
  /** The app's volume: mount it read-only at `SecretsMount.appDir`. */
  readonly volumeName: string;
  /** The migration runs' volume, when they have files of their own (mounted at the same place). */
  readonly migrateVolumeName?: string;
  /** Changes whenever an app or migration secret changes. */
  readonly appRevision: string;
  /** Names of the app's files. */
  readonly appFileNames: readonly string[];
  /** Names of the migration runs' files. */
  readonly migrateFileNames: readonly string[];
}

/**
 * How secret values reach the containers without landing in `cdk.tf.json`, `cdktf.out/`, the
 * Terraform state or `docker inspect`:
 *
 * a short-lived container (root, no network) gets the files through `upload.source`, which
 * Terraform reads at apply time and keeps only the path of; it writes them into a named volume and
 * hands each to its reader (mode 0400). The services mount that volume read-only and get `*_FILE`
 * variables. A new secret value changes `source_hash` (the revision), which re-runs the container.
 * `upload` cannot target a read-only container, hence the separate writer.
 */
export class Secrets extends Construct {
  /** One volume per reader (app, database, proxy): a container mounts only its own. */
  readonly volumes: {
    readonly app?: Volume;
    readonly migrate?: Volume;
    readonly database?: Volume;
    readonly proxy?: Volume;
  };
  readonly writer: Container;
  /** Changes whenever an app secret changes: services label themselves with it to restart. */
  readonly appRevision: string;
  /** Changes whenever a database secret changes. */
  readonly databaseRevision: string;
  readonly ref: SecretsRef;
  private readonly appFiles: readonly SecretFile[];
  private readonly databaseFiles: readonly SecretFile[];
  private readonly proxyFiles: readonly SecretFile[];

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    checkPropShapes(
      this,
      "Secrets",
      props,
      { name: "string", toolImage: "string" },
      {
        appFiles: "array",
        databaseFiles: "array",
        proxyFiles: "array",
        migrateFiles: "array",
        migrateVolumeName: "string",
      },
    );
    const appFiles = (this.appFiles = props.appFiles ?? []);
    const databaseFiles = (this.databaseFiles = props.databaseFiles ?? []);
    validateProps(this, () => [
      {
        prop: "name",
        value: props.name,
        problem: dockerNameProblem(props.name),
        fix: "use a Docker object name, e.g. django-dev-secrets",
      },
      {
        prop: "toolImage",
        value: props.toolImage,
        problem: pinnedImageProblem(props.toolImage),
        fix: "give an image with a POSIX shell and a version tag, e.g. postgres:17",
      },
      ...fileChecks("appFiles", appFiles),
      ...fileChecks("databaseFiles", databaseFiles),
      ...fileChecks("proxyFiles", props.proxyFiles ?? []),
      ...fileChecks("migrateFiles", props.migrateFiles ?? []),
    ]);

    const proxyFiles = (this.proxyFiles = props.proxyFiles ?? []);
    const migrateFiles = props.migrateFiles ?? [];
    const readers = [
      {
        key: "app",
        id: "AppVolume",
        dir: SecretsMount.appDir,
        uid: DjangoImageContract.uid,
        gid: DjangoImageContract.gid,
        files: appFiles,
      },
      {
        key: "migrate",
        id: "MigrateVolume",
        // the writer's own mount point; the migration runs mount it at the app's directory
        dir: "/run/secrets/migrate",
        uid: DjangoImageContract.uid,
        gid: DjangoImageContract.gid,
        files: migrateFiles,
      },
      {
        key: "database",
        id: "DatabaseVolume",
        dir: SecretsMount.dbDir,
        uid: PostgresImageContract.uid,
        gid: PostgresImageContract.gid,
        files: databaseFiles,
      },
      { key: "proxy", id: "ProxyVolume", dir: SecretsMount.proxyDir, uid: 0, gid: 0, files: proxyFiles },
    ].filter((r) => r.files.length > 0);
    const volumes: Record<string, Volume> = {};
    for (const r of readers) {
      volumes[r.key] = new Volume(this, r.id, {
        name: `${props.name}-${r.key === "database" ? "db" : r.key}`,
        labels: labelsFor(this, "volume"),
      });
    }
    this.volumes = volumes;
    // each volume's root is the reader's directory: 0700, its files 0400, owned by the reader
    const script = [
      "set -eu",
      ...readers.map(
        (o) => `chown -R ${o.uid}:${o.gid} ${o.dir} && chmod 0700 ${o.dir} && chmod 0400 ${o.dir}/*`,
      ),
    ].join("\n");
    this.writer = new Container(this, "Writer", {
      name: props.name,
      image: props.toolImage,
      user: "0:0",
      entrypoint: ["/bin/sh", "-c"],
      command: [script],
      networkMode: "none",
      // root, but only to hand files to their readers: directories it wrote before now belong to them
      ...dropPrivileges("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER"),
      ...oneShot(),
      volumes: readers.map((r) => ({
        volumeName: volumes[r.key].name,
        containerPath: r.dir,
        readOnly: false,
      })),
      upload: readers.flatMap((r) =>
        r.files.map((f) => ({
          file: `${r.dir}/${f.name}`,
          source: f.source,
          sourceHash: f.revision,
          permissions: "0400",
        })),
      ),
      labels: labelsFor(this, "secrets"),
    });
    const revision = (files: readonly SecretFile[]) => files.map((f) => f.revision.slice(0, 12)).join("-");
    this.appRevision = revision([...appFiles, ...migrateFiles]);
    this.databaseRevision = revision(databaseFiles);
    this.ref = {
      volumeName: `${props.name}-app`,
      migrateVolumeName: migrateFiles.length > 0 ? `${props.name}-migrate` : undefined,
      appRevision: this.appRevision,
      appFileNames: appFiles.map((f) => f.name),
      migrateFileNames: migrateFiles.map((f) => f.name),
    };
  }

  /** The read-only mount of a reader's volume, at its directory (`/run/secrets/<reader>`). */
  mount(reader: "app" | "migrate" | "database" | "proxy"): {
    volumeName: string;
    containerPath: string;
    readOnly: boolean;
  } {
    const volume = this.volumes[reader];
    if (!volume) throw new Error(`${this.node.path} has no ${reader} files: give them in ${reader}Files`);
    // migration runs find their files where the app finds its own
    const dir = {
      app: SecretsMount.appDir,
      migrate: SecretsMount.appDir,
      database: SecretsMount.dbDir,
      proxy: SecretsMount.proxyDir,
    }[reader];
    return { volumeName: volume.name, containerPath: dir, readOnly: true };
  }

  /** Whether `file` is one of the app's files. */
  hasAppFile(file: SecretFile): boolean {
    return this.appFiles.some((f) => sameFile(f, file));
  }

  /** Whether `file` is one of the database's files. */
  hasDatabaseFile(file: SecretFile): boolean {
    return this.databaseFiles.some((f) => sameFile(f, file));
  }

  /** Whether `file` is one of the proxy's files. */
  hasProxyFile(file: SecretFile): boolean {
    return this.proxyFiles.some((f) => sameFile(f, file));
  }

  /** Path of a proxy secret inside the containers that mount the volume. */
  proxyPath(file: SecretFile): string {
    return `${SecretsMount.proxyDir}/${file.name}`;
  }

  /** Path of an app secret inside the containers that mount the volume. */
  appPath(file: SecretFile): string {
    return `${SecretsMount.appDir}/${file.name}`;
  }

  /** Path of a database secret inside the containers that mount the volume. */
  databasePath(file: SecretFile): string {
    return `${SecretsMount.dbDir}/${file.name}`;
  }
}

function sameFile(a: SecretFile, b: SecretFile): boolean {
  return a.name === b.name && a.source === b.source;
}

function fileChecks(prop: string, files: readonly SecretFile[]) {
  const names = files.map((f) => f.name);
  return files.flatMap((f, i) => [
    {
      prop: `${prop}[${i}].name`,
      value: f.name,
      problem: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/.test(f.name) ? undefined : "must be a plain file name",
      fix: "use letters, digits, '_', '.' and '-', e.g. database_password",
    },
    {
      prop: `${prop}[${i}].name`,
      value: f.name,
      problem: names.indexOf(f.name) === i ? undefined : "is given twice",
      fix: "give each secret file its own name",
    },
    {
      prop: `${prop}[${i}].revision`,
      value: f.revision,
      problem: /^[0-9a-f]{12,}$/.test(f.revision)
        ? undefined
        : "must be a hex digest of 12 or more characters",
      fix: "derive it from the value with a keyed hash; it must change exactly when the value does",
    },
  ]);
}
