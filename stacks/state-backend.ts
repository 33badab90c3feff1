import { Construct } from "constructs";
import { HttpBackend, LocalBackend, S3Backend, TerraformBackend, TerraformRemoteState } from "cdktf";
import { BackendConfig } from "../config/types";

/**
 * The `pg` backend with no connection string in the configuration: Terraform reads it from
 * PG_CONN_STR, so the database password never lands in `cdk.tf.json`. (cdktf's PgBackend
 * insists on `connStr`.)
 */
class PgEnvBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly schemaName: string,
  ) {
    super(scope, "backend", "pg");
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { schema_name: this.schemaName };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return this.synthesizeAttributes();
  }

  getRemoteStateDataSource(): TerraformRemoteState {
    throw new Error("remote state of the pg backend is not used by this project");
  }
}

/**
 * Each stack's own state, wherever `TF_BACKEND` says. Credentials never appear here: they come
 * from the backend's own environment variables (AWS_*, PG_CONN_STR, TF_HTTP_*).
 */
export function addStateBackend(
  stack: Construct,
  backend: BackendConfig,
  environment: string,
  localStatePath: string,
): TerraformBackend {
  switch (backend.type) {
    case "s3": {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: `${backend.prefix}/${environment}.tfstate`,
        region: backend.region,
        encrypt: true,
        ...(backend.endpoint
          ? {
              endpoints: { s3: backend.endpoint },
              usePathStyle: true,
              skipCredentialsValidation: true,
              skipRegionValidation: true,
              skipRequestingAccountId: true,
              skipMetadataApiCheck: true,
            }
          : {}),
      });
      // S3-native locking (Terraform >= 1.10, OpenTofu >= 1.10); cdktf 0.21 predates the option
      s3.addOverride("use_lockfile", true);
      return s3;
    }
    case "pg":
      return new PgEnvBackend(stack, `${backend.schemaPrefix}_${environment.replace(/-/g, "_")}`);
    case "http": {
      const address = `${backend.baseUrl}/${backend.prefix}-${environment}`;
      return new HttpBackend(stack, { address, lockAddress: address, unlockAddress: address });
    }
    default:
      return new LocalBackend(stack, { path: localStatePath });
  }
}
