/** Helpers for testing one construct alone, in a bare stack with only the provider. */
import { Construct } from "constructs";
import { Testing, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import {
  AppNetwork,
  DjangoImage,
  DjangoService,
  DjangoServiceProps,
  PostgresDatabase,
  SecretFile,
  Secrets,
} from "../../constructs";

export const SECRET_KEY: SecretFile = {
  name: "django_secret_key",
  source: "../../../.secrets/t/django_secret_key",
  revision: "a".repeat(32),
};
export const PASSWORD: SecretFile = {
  name: "database_password",
  source: "../../../.secrets/t/database_password",
  revision: "b".repeat(32),
};
export const SOURCE_HASH = "0123456789abcdef".repeat(4);

/** A bare stack named "t" with the docker provider, for constructs under test. */
export function bareStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "t");
  new DockerProvider(stack, "docker", {});
  return stack;
}

/** The network, secrets and database most constructs wire to. */
export function basics(scope: Construct, prefix = "t", extraAppFiles: readonly SecretFile[] = []) {
  const network = new AppNetwork(scope, "Network", { namePrefix: prefix });
  const secrets = new Secrets(scope, "Secrets", {
    name: `${prefix}-secrets`,
    toolImage: "postgres:17",
    appFiles: [SECRET_KEY, PASSWORD, ...extraAppFiles],
    databaseFiles: [PASSWORD],
  });
  const database = new PostgresDatabase(scope, "Database", {
    name: `${prefix}-db`,
    network: network.backend,
    secrets,
    password: PASSWORD,
  });
  return { network, secrets, database };
}

/** The whole app composed with every optional prop at its default, plus `extra`. */
export function composeApp(
  scope: Construct,
  extra: Partial<DjangoServiceProps> = {},
  options: { readonly appFiles?: readonly SecretFile[] } = {},
) {
  const { network, secrets, database } = basics(scope, "t", options.appFiles);
  const image = new DjangoImage(scope, "AppImage", {
    repository: "t-web",
    contextDir: "/unused",
    contextPath: "x",
    sourceHash: SOURCE_HASH,
  });
  const service = new DjangoService(scope, "App", {
    namePrefix: "t",
    image,
    database: database.connection,
    networks: network.names,
    secrets: secrets.ref,
    secretKey: SECRET_KEY,
    ...extra,
  });
  return { network, secrets, database, image, service };
}
