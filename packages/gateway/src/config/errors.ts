/** Why the gateway refused its configuration. Always one line, naming the key when there is one. */
export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError'
  /** Dotted path of the offending key (`listen.port`, `upstream.0.url`), or `''` for the whole file. */
  readonly key: string

  constructor(options: { key: string; message: string; cause?: unknown }) {
    super(
      options.key === '' ? options.message : `"${options.key}": ${options.message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    )
    this.key = options.key
  }
}
