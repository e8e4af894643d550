/**
 * The kube-apiserver's error bodies: a `Status` object (kind Status, status Failure, message,
 * reason, details, code) exactly as `k8s.io/apimachinery/pkg/api/errors` builds them, so clients
 * that branch on `reason` or `details.causes` see what a real server sends.
 */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): StatusBody {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** What a resource is called in messages: `deployments.apps` / `pods`. */
export interface QualifiedResource {
  resource: string;
  group: string;
}

function qualified(target: QualifiedResource): string {
  return target.group ? `${target.resource}.${target.group}` : target.resource;
}

function identity(target: QualifiedResource, name: string): StatusDetails {
  return { name, ...(target.group ? { group: target.group } : {}), kind: target.resource };
}

export function notFound(target: QualifiedResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(target)} "${name}" not found`, identity(target, name));
}

export function alreadyExists(target: QualifiedResource, name: string): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualified(target)} "${name}" already exists`,
    identity(target, name),
  );
}

export function conflict(target: QualifiedResource, name: string, why: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(target)} "${name}": ${why}`,
    identity(target, name),
  );
}

export const staleResourceVersion =
  'the object has been modified; please apply your changes to the latest version and try again';

export function forbidden(
  target: QualifiedResource,
  name: string,
  why: string,
  causes?: StatusCause[],
): ApiError {
  return new ApiError(403, 'Forbidden', `${qualified(target)} "${name}" is forbidden: ${why}`, {
    ...identity(target, name),
    ...(causes ? { causes } : {}),
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

export function resourceNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function unsupportedMediaType(): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json',
    {},
  );
}

/** One field error, as `field.Error` prints it: `spec.x: Invalid value: "y": why`. */
export interface FieldError {
  type:
    | 'FieldValueInvalid'
    | 'FieldValueRequired'
    | 'FieldValueForbidden'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueNotFound'
    | 'FieldValueTooLong'
    | 'FieldValueTypeInvalid';
  field: string;
  /** The text after the type's prefix (e.g. after `Invalid value: "x": `). */
  detail: string;
  /** The offending value, printed in the message for Invalid/NotSupported/Duplicate. */
  value?: unknown;
}

const prefixes: Record<FieldError['type'], string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotFound: 'Not found',
  FieldValueTooLong: 'Too long',
  FieldValueTypeInvalid: 'Invalid value',
};

/** A JSON value as text in a message: strings bare, anything else as JSON. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === undefined ? '' : JSON.stringify(value);
}

/** Go's `%#v`-ish rendering the apiserver uses for values in field errors. */
export function printValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(value);
}

export function fieldErrorMessage(error: FieldError): string {
  const prefix = prefixes[error.type];
  const withValue =
    (error.type === 'FieldValueInvalid' ||
      error.type === 'FieldValueNotSupported' ||
      error.type === 'FieldValueDuplicate' ||
      error.type === 'FieldValueNotFound' ||
      error.type === 'FieldValueTypeInvalid') &&
    'value' in error;
  const head = withValue ? `${prefix}: ${printValue(error.value)}` : prefix;
  return error.detail ? `${head}: ${error.detail}` : head;
}

/**
 * `errors.NewInvalid`: 422 with one cause per field error and the message
 * `Kind.group "name" is invalid: [a: …, b: …]` (no brackets for a single error).
 */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const parts = errors.map(error => `${error.field}: ${fieldErrorMessage(error)}`);
  const joined = parts.length === 1 ? (parts[0] ?? '') : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: errors.map(error => ({
      reason: error.type,
      message: fieldErrorMessage(error),
      field: error.field,
    })),
  });
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });
}
