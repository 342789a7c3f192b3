// Parses HCL files offline with @cdktf/hcl2json (HashiCorp's HCL parser, compiled to wasm) for
// TerraformExamplesIT: syntax only, no providers, no terraform binary.
//
//   NODE_PATH=.tools/hcl2json/node_modules node src/test/node/hcl2json.js FILE...
//
// Prints one JSON object: {"FILE": {"body": <hcl2json's JSON>, "refs": {"<expression>": [...]}}}
// where refs maps every string of the body that holds an interpolation to the references in it
// (var.x, local.y, data.t.n.attr, aws_x.y.attr, ...), found by the same parser. A file that does
// not parse: its error on stderr, exit status 1, nothing on stdout.
'use strict';
const fs = require('fs');
const { parse, getReferencesInExpression } = require('@cdktf/hcl2json');

// The end of a quoted string whose text starts at i (the index of its closing quote).
function quotedEnd(s, i) {
  for (; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s.startsWith('$${', i)) i += 2;
    else if (s.startsWith('${', i)) i = interpolationEnd(s, i + 2);
    else if (s[i] === '"') return i;
  }
  throw new Error(`unclosed string in ${s}`);
}

// The index of the } that closes a ${ whose expression starts at i.
function interpolationEnd(s, i) {
  let depth = 0;
  for (; i < s.length; i++) {
    if (s[i] === '"') i = quotedEnd(s, i + 1);
    else if (s[i] === '{') depth++;
    else if (s[i] === '}' && depth-- === 0) return i;
  }
  throw new Error(`unclosed \${ in ${s}`);
}

// The expressions of a template string, each as ${...}: its interpolations and the conditions
// and collections of its %{if}/%{for} directives (hcl2json writes a conditional inside a
// template as %{if}). Only they hold references; asked about the whole string, the library
// quotes it, which breaks on a literal quote such as in echo "x: ${v}".
function expressions(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    if (s.startsWith('$${', i) || s.startsWith('%%{', i)) i += 2;
    else if (s.startsWith('${', i) || s.startsWith('%{', i)) {
      const end = interpolationEnd(s, i + 2);
      const inner = s.slice(i + 2, end).replace(/^~/, '').replace(/~$/, '').trim();
      if (s[i] === '$') out.push(`\${${inner}}`);
      else if (inner.startsWith('if ')) out.push(`\${${inner.slice(3)}}`);
      else if (inner.startsWith('for ')) out.push(`\${${inner.slice(inner.indexOf(' in ') + 4)}}`);
      i = end;
    }
  }
  return out;
}

async function collect(file, node, refs) {
  if (typeof node === 'string') {
    if (node.includes('${') && !(node in refs)) {
      refs[node] = [];
      for (const part of expressions(node)) {
        for (const r of await getReferencesInExpression(file, part)) refs[node].push(r.value);
      }
    }
  } else if (Array.isArray(node)) {
    for (const item of node) await collect(file, item, refs);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      await collect(file, key, refs);
      await collect(file, value, refs);
    }
  }
}

(async () => {
  const out = {};
  for (const file of process.argv.slice(2)) {
    let body;
    try {
      body = await parse(file, fs.readFileSync(file, 'utf8'));
    } catch (e) {
      process.stderr.write(`${file}: ${e.message || e}\n`);
      process.exitCode = 1;
      continue;
    }
    const refs = {};
    await collect(file, body, refs);
    out[file] = { body, refs };
  }
  if (process.exitCode !== 1) process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  process.stderr.write(`hcl2json: ${e.stack || e}\n`);
  process.exit(2);
});
