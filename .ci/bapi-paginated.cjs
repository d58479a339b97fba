// Adds the page shape Clerk answers for `paginated=true` to the spec copy Prism validates
// against: on every operation that takes the `paginated` query parameter and answers a bare
// array, the 200 answer becomes `oneOf: [the array, {"data": the array, "total_count": n}]`.
// Clerk's official SDKs send `paginated=true` and read `data`/`total_count`, but the official
// spec only documents the array. Only those operations' own 200 answers change.
//
//   node .ci/bapi-paginated.cjs <spec.yaml> <out.yaml>
'use strict';
const fs = require('fs');
const yaml = require('js-yaml'); // from .ci/node_modules (a dependency of Prism)

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node bapi-paginated.cjs <spec.yaml> <out.yaml>');
  process.exit(2);
}
const spec = yaml.load(fs.readFileSync(input, 'utf8'));
const resolve = (node) => {
  while (node && typeof node.$ref === 'string') {
    node = node.$ref.replace(/^#\//, '').split('/').reduce((o, k) => (o ? o[k] : undefined), spec);
  }
  return node;
};
let changed = 0;
for (const item of Object.values(spec.paths || {})) {
  for (const op of Object.values(item || {})) {
    if (!op || !Array.isArray(op.parameters) || !op.responses || !op.responses['200']) continue;
    if (!op.parameters.some((p) => (resolve(p) || {}).name === 'paginated')) continue;
    const answer = resolve(op.responses['200']);
    const media = answer && answer.content && answer.content['application/json'];
    if (!media || (resolve(media.schema) || {}).type !== 'array') continue;
    op.responses['200'] = {
      description: answer.description || 'Success',
      content: {
        'application/json': {
          schema: {
            oneOf: [
              media.schema,
              {
                type: 'object',
                additionalProperties: false,
                required: ['data', 'total_count'],
                properties: { data: media.schema, total_count: { type: 'integer', format: 'int64' } },
              },
            ],
          },
        },
      },
    };
    changed += 1;
  }
}
if (changed === 0) {
  console.error('bapi-paginated: no operation takes `paginated`; has the spec changed?');
  process.exit(1);
}
fs.writeFileSync(output, yaml.dump(spec, { noRefs: true, lineWidth: -1 }));
console.log(`bapi-paginated: ${changed} operations accept the paginated=true page`);
