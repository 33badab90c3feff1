import { Construct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { dropPrivileges, labelsFor, oneShot } from "./common";
import { DjangoImageContract, PostgresImageContract, SecretsMount } from "./env-contract";
import { SecretFile } from "./secret-store";

export interface SecretsProps {
  readonly namePrefix: string;
  readonly stackName: string;
  /** Image with a POSIX shell, run once as root to set ownership (the postgres image is). */
  readonly toolImage: string;
  /** Secret files for the app (readable by the Django user only). */
  readonly appSecrets: readonly SecretFile[];
  /** Secret files for the database (readable by the postgres user only). */
  readonly dbSecrets: readonly SecretFile[];
  /** The path Terraform reads a secret file from (relative to its working directory). */
  readonly sourcePath: (file: SecretFile) => string;
}

/**
 * How secret values reach the containers without landing in `cdk.tf.json`, `cdktf.out/`, the
 * Terraform state or `docker inspect`:
 *
 * a short-lived container (root, no network) gets the files through `upload.source`, which
 * Terraform reads from SECRETS_DIR at apply time and keeps only the path of; it writes them into
 * a named volume and hands each to its reader (mode 0400). The services mount that volume
 * read-only and get `*_FILE` variables. A new secret value changes `source_hash` (a salted
 * digest), which re-runs the container. `upload` cannot target a read-only container, hence the
 * separate writer.
 */
export class Secrets extends Construct {
  readonly volume: Volume;
  readonly writer: Container;
  /** Changes whenever an app secret changes: services label themselves with it to restart. */
  readonly appRevision: string;
  /** Changes whenever a database secret changes. */
  readonly dbRevision: string;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    this.volume = new Volume(this, "Volume", {
      name: `${props.namePrefix}-secrets`,
      labels: labelsFor(props.stackName, "volume"),
    });
    const app = { dir: SecretsMount.appDir, uid: DjangoImageContract.uid, gid: DjangoImageContract.gid };
    const db = { dir: SecretsMount.dbDir, uid: PostgresImageContract.uid, gid: PostgresImageContract.gid };
    const script = [
      "set -eu",
      ...[app, db].map(
        (o) => `chown -R ${o.uid}:${o.gid} ${o.dir} && chmod 0700 ${o.dir} && chmod 0400 ${o.dir}/*`,
      ),
    ].join("\n");
    const upload = (dir: string, files: readonly SecretFile[]) =>
      files.map((f) => ({
        file: `${dir}/${f.name}`,
        source: props.sourcePath(f),
        sourceHash: f.revision,
        permissions: "0400",
      }));
    this.writer = new Container(this, "Writer", {
      name: `${props.namePrefix}-secrets`,
      image: props.toolImage,
      user: "0:0",
      entrypoint: ["/bin/sh", "-c"],
      command: [script],
      networkMode: "none",
      // root, but only to hand files to their readers: directories it wrote before now belong to them
      ...dropPrivileges("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER"),
      ...oneShot(),
      volumes: [{ volumeName: this.volume.name, containerPath: SecretsMount.containerPath, readOnly: false }],
      upload: [...upload(app.dir, props.appSecrets), ...upload(db.dir, props.dbSecrets)],
      labels: labelsFor(props.stackName, "secrets"),
    });
    const revision = (files: readonly SecretFile[]) => files.map((f) => f.revision.slice(0, 12)).join("-");
    this.appRevision = revision(props.appSecrets);
    this.dbRevision = revision(props.dbSecrets);
  }
}
