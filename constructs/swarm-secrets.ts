import { Construct } from "constructs";
import { Fn } from "cdktf";
import { ServiceTaskSpecContainerSpecSecrets } from "@cdktf/provider-docker/lib/service";
import { DjangoImageContract, PostgresImageContract, SecretsMount } from "./contracts";
import { SecretFile } from "./secrets";
import { checkPropShapes, validateProps } from "./validation";

/** Who reads a secret: its directory under /run/secrets and its owner there. */
export type SwarmSecretReader = "app" | "database" | "proxy";

/** A Swarm secret the deploy must create before Terraform plans: no value, only where to read it. */
export interface SwarmSecretSpec {
  /** The secret's name in the swarm: content-addressed, so a new value is a new secret. */
  readonly name: string;
  /** Where the deploy reads the value: relative to the stack's working directory. */
  readonly source: string;
  /** Where the deploy writes the secret's id, which Terraform reads at plan time (same base). */
  readonly idFile: string;
}

export interface SwarmSecretsProps {
  /** Prefix of the secrets' names: `<namePrefix>-<file name>-<12 characters of the revision>`. */
  readonly namePrefix: string;
  /** Every secret file a service of this stack reads. */
  readonly files: readonly SecretFile[];
  /** Directory (relative to the stack's working directory) of the id files the deploy writes. */
  readonly idDir: string;
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;

/** The swarm's name of a secret file's current value (at most 64 characters, as the swarm allows). */
export function swarmSecretName(namePrefix: string, file: SecretFile): string {
  const revision = file.revision.slice(0, 12);
  const full = `${namePrefix}-${file.name}-${revision}`;
  return full.length <= 64 ? full : `${namePrefix.slice(0, 64 - revision.length - 1)}-${revision}`;
}

const READERS: Record<SwarmSecretReader, { dir: string; uid: number; gid: number }> = {
  app: { dir: SecretsMount.appDir, uid: DjangoImageContract.uid, gid: DjangoImageContract.gid },
  database: { dir: SecretsMount.dbDir, uid: PostgresImageContract.uid, gid: PostgresImageContract.gid },
  proxy: { dir: SecretsMount.proxyDir, uid: 0, gid: 0 },
};

/**
 * Secret files as Swarm secrets, without their values in `cdk.tf.json`, the plan or the Terraform
 * state: `docker_secret` would keep the value in the state (base64), so the deploy creates each
 * secret itself (`docker secret create`, the value on stdin) under a name made of the revision,
 * and writes its id to a file; the services refer to it by that name and by the id Terraform reads
 * from the file when it plans. A changed value is a new secret, which rolls the services that read
 * it; the deploy removes the secrets no service uses any more.
 *
 * Inside a task, a file is at the same path as on the engine (`/run/secrets/<reader>/<name>`),
 * owned by its reader, mode 0400.
 */
export class SwarmSecrets extends Construct {
  /** What the deploy creates, in the order given. */
  readonly specs: readonly SwarmSecretSpec[];
  private readonly byFile = new Map<string, SwarmSecretSpec>();

  constructor(scope: Construct, id: string, props: SwarmSecretsProps) {
    super(scope, id);
    checkPropShapes(this, "SwarmSecrets", props, { namePrefix: "string", files: "array", idDir: "string" });
    const specs: SwarmSecretSpec[] = [];
    for (const file of props.files) {
      const name = swarmSecretName(props.namePrefix, file);
      if (this.byFile.has(file.name)) continue;
      const spec = { name, source: file.source, idFile: `${props.idDir}/${name}.id` };
      this.byFile.set(file.name, spec);
      specs.push(spec);
    }
    this.specs = specs;
    validateProps(this, () => [
      ...specs.map((s, i) => ({
        prop: `files[${i}]`,
        value: s.name,
        problem: NAME.test(s.name) ? undefined : "gives a secret name the swarm refuses",
        fix: "use a shorter namePrefix of letters, digits and '-'",
      })),
      ...props.files.map((f, i) => ({
        prop: `files[${i}].revision`,
        value: f.revision,
        problem: /^[0-9a-f]{12,}$/.test(f.revision)
          ? undefined
          : "must be a hex digest of 12 or more characters",
        fix: "derive it from the value with a keyed hash; it must change exactly when the value does",
      })),
      ...props.files.map((f, i) => ({
        prop: `files[${i}].name`,
        value: f.name,
        problem: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/.test(f.name) ? undefined : "must be a plain file name",
        fix: "use letters, digits, '_', '.' and '-', e.g. database_password",
      })),
    ]);
  }

  /** The reference a service mounts a file by, readable by `reader` only. */
  ref(file: SecretFile, reader: SwarmSecretReader): ServiceTaskSpecContainerSpecSecrets {
    const spec = this.byFile.get(file.name);
    if (!spec) throw new Error(`${this.node.path}: ${file.name} is not one of the files; add it to files`);
    const r = READERS[reader];
    return {
      secretId: Fn.trimspace(Fn.file(spec.idFile)),
      secretName: spec.name,
      // relative to /run/secrets, where the swarm mounts secrets
      fileName: `${r.dir.slice(SecretsMount.containerPath.length + 1)}/${file.name}`,
      fileUid: String(r.uid),
      fileGid: String(r.gid),
      fileMode: 0o400,
    };
  }

  /** Path of a file inside the tasks of `reader`. */
  path(file: SecretFile, reader: SwarmSecretReader): string {
    return `${READERS[reader].dir}/${file.name}`;
  }

  /** The specs as the deploy reads them (a stack output). */
  get manifest(): string {
    return JSON.stringify(this.specs);
  }
}
