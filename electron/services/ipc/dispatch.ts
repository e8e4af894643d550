import { ZodError } from 'zod';

import {
  contract,
  isInvokeChannel,
  type InvokeChannel,
  type InvokeInput,
  type InvokeOutput,
} from '../../../common/contract';
import { ClawbarError, describeIssues, issuesFromZod } from '../../../common/errors';
import { fail, ok, type Result } from '../../../common/result';
import type { Logger } from '../platform/log';
import { redactor } from '../platform/redact';
import type { Client } from './clients';

/** What a handler knows about its caller: a window (Electron), a socket (devhost) or the CLI. */
export interface CallContext {
  client: Client;
}

export type Handlers = {
  [C in InvokeChannel]: (
    input: InvokeInput<C>,
    context: CallContext,
  ) => Promise<InvokeOutput<C>> | InvokeOutput<C>;
};

/**
 * The one path every invoke takes, whichever front it came through: check the channel exists,
 * parse the input with the contract's schema, run the handler, check the output against the
 * contract, and wrap everything in the Result envelope. Nothing thrown escapes; unexpected errors
 * are logged in full and answered with a generic `internal` error.
 */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  input: unknown,
  context: CallContext,
  log: Logger,
): Promise<Result<unknown>> {
  if (!isInvokeChannel(channel)) {
    return fail({ code: 'unknown-channel', message: `Unknown channel: ${String(channel).slice(0, 80)}` });
  }
  const definition = contract.invoke[channel];
  const parsedInput = definition.input.safeParse(input);
  if (!parsedInput.success) {
    const issues = issuesFromZod(parsedInput.error);
    return fail({
      code: 'invalid-input',
      message: `Invalid input for ${channel}: ${describeIssues(issues)}`,
      issues,
    });
  }
  let output: unknown;
  try {
    const handler = handlers[channel] as (input: unknown, context: CallContext) => unknown;
    output = await handler(parsedInput.data, context);
  } catch (error) {
    return fail(toIpcError(error, channel, log));
  }
  const parsedOutput = definition.output.safeParse(output);
  if (!parsedOutput.success) {
    log.error('Handler answered outside the contract', {
      channel,
      issues: issuesFromZod(parsedOutput.error),
    });
    return fail({
      code: 'invalid-output',
      message: `${channel} produced an answer that does not match the contract`,
    });
  }
  return ok(parsedOutput.data);
}

function toIpcError(error: unknown, channel: string, log: Logger) {
  if (error instanceof ClawbarError) {
    log.warn(`${channel} failed`, { code: error.code, message: error.message });
    const ipcError = error.toIpcError();
    return { ...ipcError, message: redactor.text(ipcError.message) };
  }
  if (error instanceof ZodError) {
    const issues = issuesFromZod(error);
    log.error(`${channel} hit a validation error`, { issues });
    return {
      code: 'internal' as const,
      message: `${channel} failed on invalid data: ${describeIssues(issues)}`,
    };
  }
  log.error(`${channel} threw`, {
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return {
    code: 'internal' as const,
    message: `${channel} failed unexpectedly; details are in the Clawbar log.`,
  };
}
