// One copy of the package's state per process: `import` and `require` of each entry point give the
// very same objects (a Breaker, a budget or the decorator metadata shared, not duplicated).
const assert = require('node:assert/strict');

async function main() {
  for (const entry of ['tenacious', 'tenacious/undici', 'tenacious/bedrock', 'tenacious/redis']) {
    const required = require(entry);
    const imported = await import(entry);
    assert.deepEqual(Object.keys(imported).sort(), Object.keys(required).sort(), entry);
    for (const name of Object.keys(required)) {
      assert.equal(imported[name], required[name], `${entry}: ${name} differs`);
    }
  }
  console.log('identity ok');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
