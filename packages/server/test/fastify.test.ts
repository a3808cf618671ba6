import { fastifyAdapter } from './conformance/apps'
import { describeAdapterConformance } from './conformance/index'

describeAdapterConformance(fastifyAdapter)
