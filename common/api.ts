import {
  contract,
  eventNames,
  invokeChannels,
  type EventName,
  type EventPayload,
  type InvokeChannel,
  type InvokeInput,
  type InvokeOutput,
} from './contract';
import type { Result } from './result';

/**
 * The renderer's view of the contract: one function per invoke channel, grouped by domain with a
 * camelCase verb (`settings:update` → `api.settings.update(patch)`), and `on(event, listener)`.
 * Electron's preload and the devhost's WebSocket client both build it from a Transport, so the
 * two can never drift apart.
 */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;
type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
type VerbOf<C extends string> = C extends `${string}:${infer V}` ? CamelCase<V> : never;

export type InvokeFunction<C extends InvokeChannel> =
  undefined extends InvokeInput<C>
    ? (input?: InvokeInput<C>) => Promise<Result<InvokeOutput<C>>>
    : (input: InvokeInput<C>) => Promise<Result<InvokeOutput<C>>>;

export type Unsubscribe = () => void;

export type Api = {
  readonly [D in DomainOf<InvokeChannel>]: {
    readonly [C in InvokeChannel as C extends `${D}:${string}` ? VerbOf<C> : never]: InvokeFunction<C>;
  };
} & {
  readonly on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => Unsubscribe;
};

/** What a front needs to provide: raw invoke and raw event subscription. */
export interface Transport {
  invoke(channel: InvokeChannel, input: unknown): Promise<Result<unknown>>;
  on(event: EventName, listener: (payload: unknown) => void): Unsubscribe;
}

export function camelCase(value: string): string {
  return value.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export function buildApi(transport: Transport): Api {
  const domains: Record<string, Record<string, unknown>> = {};
  for (const channel of invokeChannels) {
    const [domain = '', verb = ''] = channel.split(':');
    const group = (domains[domain] ??= {});
    group[camelCase(verb)] = (input?: unknown) => transport.invoke(channel, input);
  }
  const on = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe => {
    if (!eventNames.includes(event)) throw new Error(`Unknown event: ${event}`);
    return transport.on(event, payload => {
      // A payload that does not match the contract is dropped rather than handed to the UI.
      const parsed = contract.events[event].safeParse(payload);
      if (parsed.success) listener(parsed.data as EventPayload<E>);
    });
  };
  for (const group of Object.values(domains)) Object.freeze(group);
  return Object.freeze({ ...domains, on }) as unknown as Api;
}
