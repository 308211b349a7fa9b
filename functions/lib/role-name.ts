/**
 * The role a signed caller acts as, from the ARN API Gateway (or the local
 * cloud) reports: `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`
 * (temporary credentials, the usual case) or `arn:<partition>:iam::<account>:role/<path/><role>`.
 * Anything else (a user, the account root, a malformed ARN) acts as no role.
 */
export function roleNameOf(arn: string | null | undefined): string | undefined {
  return (
    /^arn:[^:]+:sts::\d*:assumed-role\/([^/]+)\/[^/]+$/.exec(arn ?? '')?.[1] ??
    /^arn:[^:]+:iam::\d*:role\/(?:[^/]+\/)*([^/]+)$/.exec(arn ?? '')?.[1]
  );
}

/**
 * What a role directory says of the caller's role; own properties only, so a role named "constructor" finds nothing.
 */
export function roleEntry<T>(arn: string | null | undefined, directory: Readonly<Record<string, T>>): T | undefined {
  const role = roleNameOf(arn);
  return role !== undefined && Object.hasOwn(directory, role) ? directory[role] : undefined;
}
