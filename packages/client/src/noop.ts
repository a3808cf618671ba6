/** Does nothing: one shared function for ignored rejections and absent cleanups. */
export const noop = (): void => undefined
