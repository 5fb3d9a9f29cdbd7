type SharpModule = typeof import('sharp');

let loading: Promise<SharpModule['default']> | undefined;

/** sharp, imported on first use: importing @acseg/image-io (the CLI binds its decoder at start-up) loads no native code. */
export function sharpLib(): Promise<SharpModule['default']> {
  loading ??= import('sharp').then((m) => m.default);
  return loading;
}
