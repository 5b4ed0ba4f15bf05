// The MongoDB driver, unchanged, authenticating with GSSAPI: `node mongodb-drive.cjs <driver dir>
// <port> <user>`; whatever `require('kerberos')` finds (NODE_PATH) does the Kerberos side.
// Prints `ping <reply>` or `error <class> <message>`.
'use strict';
const { join } = require('node:path');
const { MongoClient } = require(join(process.argv[2], 'node_modules', 'mongodb'));
(async () => {
  const [port, user] = process.argv.slice(3);
  const uri = `mongodb://${encodeURIComponent(user)}@localhost:${port}/?authMechanism=GSSAPI&authSource=%24external&directConnection=true&serverSelectionTimeoutMS=5000`;
  const client = new MongoClient(uri);
  try {
    await client.connect();
    console.log('ping', JSON.stringify(await client.db('admin').command({ ping: 1 })));
  } catch (e) {
    console.log('error', e.constructor.name, e.message);
  } finally {
    await client.close();
  }
})();
