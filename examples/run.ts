// npm run example -- <name>      (without a name: the list)
import './quiet-aws-sdk-notice';
import { examples } from './catalog';

async function run(): Promise<void> {
  const name = process.argv[2];
  const entry = name === undefined ? undefined : examples[name];
  if (entry === undefined) {
    if (name !== undefined) console.error(`no example named "${name}"\n`);
    console.log('Examples (npm run example -- <name>):');
    for (const [exampleName, { description }] of Object.entries(examples)) {
      console.log(`  ${exampleName.padEnd(28)} ${description}`);
    }
    if (name !== undefined) process.exitCode = 1;
    return;
  }
  await entry.main((line) => console.log(line));
}

run().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
