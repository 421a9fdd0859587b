/** A page component loaded with a dynamic import (its own chunk under /console/assets, allowed by the CSP's script-src 'self'). */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox, Loading } from './common';

export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let cached: ComponentType<P> | null = null;
  return function Lazy(props: P) {
    const [C, setC] = useState<ComponentType<P> | null>(() => cached);
    const [error, setError] = useState<unknown>(null);
    useEffect(() => {
      if (C) return;
      load().then(
        (c) => {
          cached = c;
          setC(() => c);
        },
        setError,
      );
    }, []);
    if (error) return <ErrorBox error={error} />;
    return C ? <C {...props} /> : <Loading when />;
  };
}
