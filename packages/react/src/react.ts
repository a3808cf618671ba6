// Every React import goes through this one module so the bundle carries one `import … from 'react'`
// statement instead of one per file (bytes count: the whole package must stay under 1.5 KB gzipped).
export {
  createContext,
  createElement,
  useContext,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react'
