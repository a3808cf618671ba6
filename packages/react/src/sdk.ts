// The one runtime import of @curfew/client, for the same reason as `./react`: one import statement in
// the bundle however many files need it.
export { createSessionClient } from '@curfew/client'
