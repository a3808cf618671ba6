// The page-side entry of the browser tests: the SDK as a page script would load it.
import { createSessionClient } from '../../src/index'

declare global {
  interface Window {
    Curfew: { createSessionClient: typeof createSessionClient }
  }
}

window.Curfew = { createSessionClient }
