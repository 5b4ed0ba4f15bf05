import * as kerberos from 'tskrb5/compat/kerberos';
export * from 'tskrb5/compat/kerberos';
export default kerberos;
