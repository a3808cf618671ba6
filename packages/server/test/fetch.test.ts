import { fetchAdapter } from './conformance/apps'
import { describeAdapterConformance } from './conformance/index'

describeAdapterConformance(fetchAdapter)
