import { OPTION_NAMES, isServerOption, specOf, type ServeFlags, type ServerOptionName, type ServerOptionValue } from './option-table';
import type { ServerOptions } from './server-options';

type FlagsAsServerOptions = { [Name in ServerOptionName]: ServerOptionValue<Name> };

/** The ServerOptions the serve command's flags give, one key per option of the table that is not the command line's own. */
export function serverOptionsFromFlags(flags: ServeFlags): Pick<ServerOptions, ServerOptionName> {
  const entries = OPTION_NAMES.filter(isServerOption).map((name) => {
    const { toServerOption } = specOf(name);
    const value: unknown = flags[name];
    return [name, toServerOption ? toServerOption(value as never) : value];
  });
  const options = Object.fromEntries(entries) as FlagsAsServerOptions;
  // Type-checked: a table key that is no ServerOptions key, or a value that key does not take, fails to compile.
  return options;
}
