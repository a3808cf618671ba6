import { expressAdapter } from './conformance/apps'
import { describeAdapterConformance } from './conformance/index'

describeAdapterConformance(expressAdapter)
