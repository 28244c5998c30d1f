// tenacious/bedrock in an esbuild ESM bundle, the AWS SDK bundled with it.
import { ResilientBedrock } from 'tenacious/bedrock';

const bedrock = new ResilientBedrock({ clientConfig: { region: 'us-east-1' } });
console.log(typeof bedrock.converse === 'function' ? 'bedrock bundle ok' : 'no converse');
