// `import kerberos from 'kerberos'` (the native package is CommonJS: its default export is the
// module) and `import { initializeClient } from 'kerberos'` both work.
import * as kerberos from 'tskrb5/compat/kerberos';
export * from 'tskrb5/compat/kerberos';
export default kerberos;
