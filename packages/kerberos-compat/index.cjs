// `require('kerberos')` → tskrb5/compat/kerberos (an ES module: Node ≥ 20.19 loads it with require).
'use strict';
module.exports = require('tskrb5/compat/kerberos');
