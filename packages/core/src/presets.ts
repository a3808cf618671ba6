import { definePolicy, type Policy } from './policy'

/**
 * Policies that follow published guidance, each naming its clause in `source`. Where a standard sets no
 * absolute lifetime, the one chosen is stated in `source`; override it with `definePolicy({ ...preset })`.
 *
 * @example
 * createSessionManager({ policy: presets.pciDss4 })
 */
export const presets: {
  readonly pciDss4: Policy
  readonly nistAal2: Policy
  readonly nistAal3: Policy
  readonly owaspHighValue: Policy
  readonly owaspLowRisk: Policy
  readonly hipaa: Policy
} = /* @__PURE__ */ Object.freeze({
  pciDss4: /* @__PURE__ */ definePolicy({
    name: 'pci-dss-4',
    idleTimeout: '15m',
    absoluteTimeout: '12h',
    source:
      'PCI DSS v4.0 req. 8.2.8: re-authenticate after more than 15 minutes idle. PCI sets no absolute limit; 12 h chosen.',
  }),
  nistAal2: /* @__PURE__ */ definePolicy({
    name: 'nist-aal2',
    idleTimeout: '1h',
    absoluteTimeout: '24h',
    source:
      'NIST SP 800-63B-4 §2.2.3: AAL2 reauthentication at least every 24 h overall and after 1 h inactivity.',
  }),
  nistAal3: /* @__PURE__ */ definePolicy({
    name: 'nist-aal3',
    idleTimeout: '15m',
    absoluteTimeout: '12h',
    source:
      'NIST SP 800-63B-4 §2.3.3: AAL3 reauthentication at least every 12 h overall and after 15 min inactivity.',
  }),
  owaspHighValue: /* @__PURE__ */ definePolicy({
    name: 'owasp-high-value',
    idleTimeout: '5m',
    absoluteTimeout: '4h',
    source:
      'OWASP Session Management Cheat Sheet, Session Expiration: 2-5 min idle for high-value applications.',
  }),
  owaspLowRisk: /* @__PURE__ */ definePolicy({
    name: 'owasp-low-risk',
    idleTimeout: '30m',
    absoluteTimeout: '8h',
    source:
      'OWASP Session Management Cheat Sheet, Session Expiration: 15-30 min idle for low-risk applications.',
  }),
  hipaa: /* @__PURE__ */ definePolicy({
    name: 'hipaa',
    idleTimeout: '15m',
    absoluteTimeout: '12h',
    source:
      'HIPAA Security Rule §164.312(a)(2)(iii) automatic logoff (addressable; sets no number). 15 min is a common reading.',
  }),
})
