import type {
  EventName,
  EventPayload,
  InvokeChannel,
  InvokeInput,
  InvokeOutput,
} from '../../common/contract';
import { ClawbarError } from '../../common/errors';
import { localClient } from '../services/ipc/clients';
import { dispatch } from '../services/ipc/dispatch';
import type { Logger } from '../services/platform/log';
import type { Services } from '../services/services';

/**
 * Calls a channel the way the UI does: through dispatch, so the input and output are checked
 * against the contract, with a client that receives the events (progress) while it runs.
 * A failed call throws its ClawbarError.
 */
export async function invoke<C extends InvokeChannel>(
  services: Services,
  channel: C,
  input: InvokeInput<C>,
  onEvent?: <E extends EventName>(event: E, payload: EventPayload<E>) => void,
): Promise<InvokeOutput<C>> {
  const client = localClient(`cli-${channel}`, onEvent);
  const registration = services.hub.add(client);
  try {
    const result = await dispatch(services.handlers, channel, input, { client }, fileOnly(services.log));
    if (!result.ok) throw new ClawbarError(result.error.code, result.error.message, result.error.issues);
    return result.value as InvokeOutput<C>;
  } finally {
    registration.dispose();
    client.dispose();
  }
}

/**
 * The CLI prints a failed call's error itself (stderr, exit 1); dispatch's warning about it goes
 * to the log file only, instead of a second copy on stderr.
 */
function fileOnly(log: Logger): Logger {
  return { ...log, warn: (message, fields) => log.info(message, fields) };
}
